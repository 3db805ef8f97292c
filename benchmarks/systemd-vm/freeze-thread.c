/*
 * freeze-thread TID SECONDS: stops one thread of a process, leaving its other threads running
 * (benchmarks/systemd-vm: the gateway's dispatcher frozen while its watchdog thread still runs, so
 * that the program's own liveness check, not only systemd, is what the test sees).
 *
 * ptrace works per thread: PTRACE_SEIZE + PTRACE_INTERRUPT put only TID into a ptrace stop. It
 * stays there until the process dies (systemd's watchdog kills it: exit 0), a signal is to be
 * delivered to that very thread (passed on, then detached: exit 0), or SECONDS pass (detached, the
 * thread runs again: exit 1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t expired;

static void on_alarm(int sig) {
  (void)sig;
  expired = 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: freeze-thread TID SECONDS\n");
    return 2;
  }
  pid_t tid = (pid_t)atoi(argv[1]);
  unsigned seconds = (unsigned)atoi(argv[2]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns EINTR */
  sigaction(SIGALRM, &sa, NULL);
  if (ptrace(PTRACE_SEIZE, tid, NULL, NULL) != 0 || ptrace(PTRACE_INTERRUPT, tid, NULL, NULL) != 0) {
    fprintf(stderr, "freeze-thread: cannot stop thread %d: %s\n", tid, strerror(errno));
    return 2;
  }
  alarm(seconds);
  int announced = 0;
  for (;;) {
    int status;
    pid_t r = waitpid(tid, &status, __WALL);
    if (r < 0) {
      if (errno == EINTR && expired) {
        ptrace(PTRACE_DETACH, tid, NULL, NULL);
        printf("freeze-thread: thread %d still there after %u s, released\n", tid, seconds);
        return 1;
      }
      if (errno == EINTR) continue;
      printf("freeze-thread: thread %d gone (%s)\n", tid, strerror(errno));
      return 0;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      printf("freeze-thread: thread %d ended (the process died)\n", tid);
      return 0;
    }
    if (!WIFSTOPPED(status)) continue;
    if ((status >> 16) == PTRACE_EVENT_STOP) {
      /* Our interrupt (or a group stop): stay stopped. */
      if (!announced) {
        printf("freeze-thread: thread %d stopped\n", tid);
        fflush(stdout);
        announced = 1;
      }
      continue;
    }
    if ((status >> 16) == PTRACE_EVENT_EXIT) {
      ptrace(PTRACE_CONT, tid, NULL, NULL);
      continue;
    }
    /* A signal for this thread (systemd's SIGABRT, say): deliver it and let go. */
    int sig = WSTOPSIG(status);
    ptrace(PTRACE_DETACH, tid, NULL, (void *)(long)sig);
    printf("freeze-thread: thread %d got signal %d, passed on and released\n", tid, sig);
    return 0;
  }
}
