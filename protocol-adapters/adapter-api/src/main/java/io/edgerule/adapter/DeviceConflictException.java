package io.edgerule.adapter;

/**
 * Devices of one protocol that do not fit together (two slaves on one serial port with different
 * baud rates, one unit id twice on a port, two names of one device node): thrown by {@link
 * AdapterFactory#check} and {@link AdapterFactory#create}. It names the device that conflicts with
 * an earlier one and the field, so that the config loader reports it at that field's line.
 */
public final class DeviceConflictException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int device;
  private final String field;

  /**
   * @param device the index of the conflicting device in the list the factory was given
   * @param field its field that conflicts, as a snake_case path ({@code bus.baud}, {@code unit_id})
   * @param problem what conflicts with what, naming the devices
   */
  public DeviceConflictException(int device, String field, String problem) {
    super(field + ": " + problem);
    this.device = device;
    this.field = field;
  }

  /** The index of the conflicting device in the list the factory was given. */
  public int device() {
    return device;
  }

  /** The conflicting field of that device, e.g. {@code bus.baud}. */
  public String field() {
    return field;
  }

  /** What conflicts, without the field. */
  public String problem() {
    return getMessage().substring(field.length() + 2);
  }
}
