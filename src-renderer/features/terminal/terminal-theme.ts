/**
 * Terminal look: colours matching the app's dark theme, font and scrollback.
 */
import type { ITheme } from '@xterm/xterm';

/** Lines of scrollback kept per terminal (memory is users' first complaint with many sessions). */
export const TERMINAL_SCROLLBACK_LINES = 5_000;

/** Terminal font size in CSS pixels. */
export const TERMINAL_FONT_SIZE = 13;

export const TERMINAL_FONT_FAMILY =
  "'JetBrains Mono', 'Fira Code', 'Cascadia Mono', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";

/** Colours of the terminal, in step with styles/app.css. */
export const TERMINAL_THEME: ITheme = {
  background: '#0d1117',
  foreground: '#d6dde6',
  cursor: '#7cc4ff',
  cursorAccent: '#0d1117',
  selectionBackground: '#2f4a6b',
  black: '#1b2028',
  red: '#f26d6d',
  green: '#5fd38d',
  yellow: '#e5c07b',
  blue: '#61afef',
  magenta: '#c678dd',
  cyan: '#56b6c2',
  white: '#d6dde6',
  brightBlack: '#5c6773',
  brightRed: '#ff8585',
  brightGreen: '#7ee2a5',
  brightYellow: '#f0d49b',
  brightBlue: '#82c1ff',
  brightMagenta: '#d899ea',
  brightCyan: '#78cfd9',
  brightWhite: '#ffffff',
};
