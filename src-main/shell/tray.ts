/**
 * The tray icon: Show and Quit.
 */
import { Menu, Tray, nativeImage } from 'electron';

/**
 * Built-in 16×16 tray icon (a ring, PNG), used until resources/ ships platform icons.
 */
const TRAY_ICON_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAP0lEQVR42mP4//8/AyUYQ8C66dt/fBivAYQ0YzOEZM3ohmDVjAtgMwTDAEJg1AB6GEBWNFKckKiSlKmSmcjBAO1qGCIRu29DAAAAAElFTkSuQmCC';

/** What the tray menu does. */
export interface TrayActions {
  show(): void;
  quit(): void;
}

/** Creates the tray icon; keep the returned Tray referenced or it is garbage-collected away. */
export function createTray(actions: TrayActions): Tray {
  const tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON_DATA_URL));
  tray.setToolTip('Berth');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Show Berth', click: () => actions.show() },
      { type: 'separator' },
      { label: 'Quit', click: () => actions.quit() },
    ]),
  );
  tray.on('click', () => actions.show());
  return tray;
}
