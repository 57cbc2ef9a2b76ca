/**
 * Desktop notifications (a session finished, needs input, failed).
 */
import { Notification } from 'electron';

/** A notification to show. */
export interface NotifyOptions {
  title: string;
  body: string;
  /** Called when the user clicks the notification (typically: reveal the window). */
  onClick?: () => void;
}

/** Shows a notification; returns false where the platform has none. */
export function notify(options: NotifyOptions): boolean {
  if (!Notification.isSupported()) return false;
  const notification = new Notification({ title: options.title, body: options.body });
  const { onClick } = options;
  if (onClick) notification.on('click', () => onClick());
  notification.show();
  return true;
}
