#!/usr/bin/env node
// Draws data/line/richmenu.png from data/line/richmenu.json: one tile per area, labelled with the
// area's action label. Run again after changing the menu (LINE cannot replace the image of an
// existing rich menu: `yorisoi line richmenu` then creates a new menu).
//
//   node scripts/make-richmenu-image.mjs            Japanese labels, drawn by Chromium (the
//                                                   browser the e2e tests use; fonts-ipafont-gothic
//                                                   and fonts-noto-color-emoji for the glyphs)
//   node scripts/make-richmenu-image.mjs --plain    coloured tiles only, no dependencies (node:zlib)
//
// CHROMIUM_PATH overrides /usr/bin/chromium. Without Chromium the script falls back to --plain.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = fileURLToPath(new URL('../', import.meta.url));
const menuPath = `${root}data/line/richmenu.json`;
const outPath = `${root}data/line/richmenu.png`;
const MAX_BYTES = 1024 * 1024; // LINE's limit for a rich menu image

// Calm, high-contrast tiles; emergency is the one warm red. Icons are emoji (Noto Color Emoji).
const STYLE_BY_DATA = {
  'cmd:start': { background: '#FFE3C2', ink: '#6B3A00', icon: '💬' },
  'cmd:talk': { background: '#D9F0DC', ink: '#1E4D2B', icon: '🧑‍💼' },
  'cmd:help': { background: '#DCE8F7', ink: '#1C3D66', icon: '❓' },
  'cmd:hotlines': { background: '#F9D6D5', ink: '#7A1512', icon: '📞' },
};
const FALLBACK_STYLE = { background: '#EEEEEE', ink: '#333333', icon: '' };
const GAP = 12;

const menu = JSON.parse(readFileSync(menuPath, 'utf8'));
const { width, height } = menu.size;
const tiles = menu.areas.map((area) => ({ ...area.bounds, label: area.action.label ?? '', ...(STYLE_BY_DATA[area.action.data] ?? FALLBACK_STYLE) }));

function hex(color) {
  return [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
}

// ---------------------------------------------------------------- --plain: PNG by hand

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function plainPng() {
  const white = [255, 255, 255];
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  const colours = tiles.map((t) => ({ ...t, rgb: hex(t.background), inkRgb: hex(t.ink) }));
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const tile = colours.find((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height);
      let rgb = white;
      if (tile && x >= tile.x + GAP && x < tile.x + tile.width - GAP && y >= tile.y + GAP && y < tile.y + tile.height - GAP) {
        // A ring in the middle of each tile marks it as a button.
        const dx = x - (tile.x + tile.width / 2);
        const dy = y - (tile.y + tile.height / 2);
        const r = Math.sqrt(dx * dx + dy * dy);
        const ring = Math.min(tile.width, tile.height) * 0.22;
        rgb = r > ring - 18 && r < ring + 18 ? tile.inkRgb : tile.rgb;
      }
      raw.set(rgb, y * stride + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- Chromium: real labels

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

async function chromiumPng(executablePath) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
    const html = `<!doctype html><meta charset="utf-8"><style>
      html, body { margin: 0; width: ${width}px; height: ${height}px; background: #fff; overflow: hidden; }
      .tile { position: absolute; box-sizing: border-box; display: flex; flex-direction: column; align-items: center;
              justify-content: center; gap: 48px; border-radius: 48px;
              font-family: 'IPAPGothic', 'IPAGothic', 'Noto Sans CJK JP', sans-serif; font-weight: bold; }
      .icon { font-family: 'Noto Color Emoji', sans-serif; font-size: 230px; line-height: 1; }
      .label { font-size: 150px; line-height: 1.1; letter-spacing: 0.04em; text-align: center; }
    </style>${tiles
      .map(
        (t) => `<div class="tile" style="left:${t.x + GAP}px;top:${t.y + GAP}px;width:${t.width - 2 * GAP}px;height:${t.height - 2 * GAP}px;background:${t.background};color:${t.ink}">
          <div class="icon">${t.icon}</div><div class="label">${escapeHtml(t.label)}</div></div>`,
      )
      .join('')}`;
    await page.setContent(html);
    await page.evaluate(() => document.fonts.ready);
    return await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height } });
  } finally {
    await browser.close();
  }
}

const plain = process.argv.includes('--plain');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let image;
if (!plain && existsSync(executablePath)) {
  image = await chromiumPng(executablePath);
} else {
  if (!plain) process.stderr.write(`Chromium not found at ${executablePath}: drawing plain tiles without labels.\n`);
  image = plainPng();
}
if (image.length > MAX_BYTES) {
  process.stderr.write(`The image is ${image.length} bytes; LINE accepts at most ${MAX_BYTES}.\n`);
  process.exit(1);
}
writeFileSync(outPath, image);
process.stdout.write(`wrote ${outPath} (${width}×${height}, ${statSync(outPath).size} bytes)\n`);
