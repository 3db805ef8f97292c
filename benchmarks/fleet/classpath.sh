#!/bin/sh
# Builds ota-updater with its test classes (offline, never installing into ~/.m2) and prints the
# class path of the fleet simulator (io.edgerule.ota.fleet.sim: FleetSimMain, FleetServe).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -B -o -q -pl ota-updater -am package -DskipTests -Dspotless.check.skip=true \
  dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/fleet-sim.cp >&2
echo "$ROOT/ota-updater/target/test-classes:$ROOT/ota-updater/target/classes:$(cat ota-updater/target/fleet-sim.cp)"
