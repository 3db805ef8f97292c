package io.edgerule.ota.device;

/**
 * The image store cannot do what was asked (a damaged slot, a refused stage); says what and where.
 */
public class ImageStoreException extends RuntimeException {
  public ImageStoreException(String message) {
    super(message);
  }

  public ImageStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
