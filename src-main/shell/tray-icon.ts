/**
 * State-coloured tray icons, drawn in memory: a filled disc as a 16×16 RGBA PNG (no image files).
 */
import { deflateSync } from 'node:zlib';
import type { TrayStatus } from './tray-menu.js';

/** Icon edge in pixels (the tray scales it; 16 is the common tray size). */
export const TRAY_ICON_SIZE = 16;

/** Disc colour per status (RGB): amber when someone needs you, blue while working, grey when quiet. */
export const TRAY_ICON_COLORS: Record<TrayStatus, readonly [number, number, number]> = {
  'needs-you': [0xf5, 0x9e, 0x0b],
  working: [0x3b, 0x82, 0xf6],
  quiet: [0x9c, 0xa3, 0xaf],
};

/** PNG file signature. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** IHDR: 8 bits per channel, colour type 6 (RGBA), deflate, no filter method, no interlace. */
const BIT_DEPTH = 8;
const COLOR_TYPE_RGBA = 6;
/** CRC-32 polynomial (reversed) used by PNG chunks. */
const CRC_POLYNOMIAL = 0xedb88320;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? CRC_POLYNOMIAL ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of a disc in `rgb` on a transparent square of `size` pixels. */
export function discPng(rgb: readonly [number, number, number], size = TRAY_ICON_SIZE): Buffer {
  const radius = size / 2 - 1;
  const centre = (size - 1) / 2;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4); // leading 0: filter type None
    for (let x = 0; x < size; x++) {
      const inside = Math.hypot(x - centre, y - centre) <= radius;
      row.set([rgb[0], rgb[1], rgb[2], inside ? 0xff : 0], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([BIT_DEPTH, COLOR_TYPE_RGBA, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** The tray icon for `status`, as a PNG data URL. */
export function trayIconDataUrl(status: TrayStatus): string {
  return `data:image/png;base64,${discPng(TRAY_ICON_COLORS[status]).toString('base64')}`;
}
