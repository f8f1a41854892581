// `yorisoi line richmenu`: creates the rich menu from data/line/richmenu.json, uploads
// data/line/richmenu.png and makes it the default for everyone. LINE cannot replace a menu's
// image, so every run creates a new menu (and the old default stops being used).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { encodePostbackData, MAX_DATA_UNITS, MAX_LABEL_UNITS } from '../../channels/line/adapter.js';
import { createLineBlobClient, createLineClient, describeCallError, withTimeout } from '../../channels/line/client.js';
import { ConfigError, type Config } from '../../config.js';

const DATA_DIR = new URL('../../../data/line/', import.meta.url);
export const DEFAULT_RICH_MENU_FILE = fileURLToPath(new URL('richmenu.json', DATA_DIR));
export const DEFAULT_RICH_MENU_IMAGE = fileURLToPath(new URL('richmenu.png', DATA_DIR));
const MAX_IMAGE_BYTES = 1024 * 1024;
const UPLOAD_TIMEOUT_MS = 30_000;

const label = z.string().min(1).max(MAX_LABEL_UNITS, `at most ${MAX_LABEL_UNITS} characters (LINE)`);
const actionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('postback'),
    label: label.optional(),
    data: z.string().min(1).max(MAX_DATA_UNITS),
    displayText: z.string().min(1).max(300).optional(),
  }).strict(),
  z.object({ type: z.literal('message'), label: label.optional(), text: z.string().min(1).max(300) }).strict(),
  z.object({ type: z.literal('uri'), label: label.optional(), uri: z.string().min(1).max(1000) }).strict(),
]);
const boundsSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
}).strict();

export const richMenuSchema = z
  .object({
    size: z.object({ width: z.number().int().min(800).max(2500), height: z.number().int().min(250) }).strict(),
    selected: z.boolean().default(false),
    name: z.string().min(1).max(300),
    chatBarText: z.string().min(1).max(14, 'at most 14 characters (LINE)'),
    areas: z.array(z.object({ bounds: boundsSchema, action: actionSchema }).strict()).min(1).max(20),
  })
  .strict()
  .superRefine((menu, ctx) => {
    if (menu.size.width / menu.size.height < 1.45) ctx.addIssue({ code: 'custom', path: ['size'], message: 'width / height must be at least 1.45 (LINE)' });
    menu.areas.forEach((area, index) => {
      const b = area.bounds;
      if (b.x + b.width > menu.size.width || b.y + b.height > menu.size.height) {
        ctx.addIssue({ code: 'custom', path: ['areas', index, 'bounds'], message: 'lies outside the menu' });
      }
    });
  });

export type RichMenu = z.infer<typeof richMenuSchema>;

/** Width and height of a PNG or JPEG, or null when the bytes are neither. */
export function imageInfo(bytes: Buffer): { type: 'image/png' | 'image/jpeg'; width: number; height: number } | null {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { type: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < bytes.length) {
      if (bytes[offset] !== 0xff) return null;
      const marker = bytes[offset + 1]!;
      const length = bytes.readUInt16BE(offset + 2);
      // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return { type: 'image/jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return null;
}

/** The menu as LINE receives it: postbacks carry their display text for staff (see the adapter). */
export function toLineRichMenu(menu: RichMenu) {
  return {
    ...menu,
    areas: menu.areas.map((area) =>
      area.action.type === 'postback'
        ? { ...area, action: { ...area.action, data: encodePostbackData(area.action.data, area.action.displayText) } }
        : area,
    ),
  };
}

export interface LineRichMenuOptions {
  /** Path of the rich menu JSON (default data/line/richmenu.json). */
  menu?: string;
  /** Path of the PNG or JPEG image (default data/line/richmenu.png). */
  image?: string;
  /** Make it the default menu of every user (default true). */
  setDefault?: boolean;
  /** Check the files only; call nothing. */
  dryRun?: boolean;
}

export interface LineRichMenuResult {
  ok: boolean;
  report: string;
  richMenuId?: string;
}

async function loadFiles(options: LineRichMenuOptions) {
  const menuPath = options.menu ?? DEFAULT_RICH_MENU_FILE;
  const imagePath = options.image ?? DEFAULT_RICH_MENU_IMAGE;
  const problems: string[] = [];
  let menu: RichMenu | null = null;
  try {
    const parsed = richMenuSchema.safeParse(JSON.parse(await readFile(menuPath, 'utf8')));
    if (parsed.success) menu = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => `${menuPath}: ${i.path.join('.') || '(menu)'}: ${i.message}`));
  } catch (error) {
    problems.push(`${menuPath}: ${(error as Error).message}`);
  }
  let image: Buffer | null = null;
  let info: ReturnType<typeof imageInfo> = null;
  try {
    image = await readFile(imagePath);
    info = imageInfo(image);
    if (!info) problems.push(`${imagePath}: not a PNG or JPEG image`);
    if (image.length > MAX_IMAGE_BYTES) problems.push(`${imagePath}: ${image.length} bytes; LINE accepts at most ${MAX_IMAGE_BYTES}`);
    if (info && menu && (info.width !== menu.size.width || info.height !== menu.size.height)) {
      problems.push(`${imagePath}: ${info.width}×${info.height}, but the menu is ${menu.size.width}×${menu.size.height}`);
    }
  } catch (error) {
    problems.push(`${imagePath}: ${(error as Error).message}`);
  }
  return { menuPath, imagePath, menu, image, info, problems };
}

export async function runLineRichMenu(config: Config, options: LineRichMenuOptions = {}): Promise<LineRichMenuResult> {
  const files = await loadFiles(options);
  if (files.problems.length > 0) return { ok: false, report: ['The rich menu cannot be used:', ...files.problems.map((p) => `  - ${p}`)].join('\n') };
  const { menu, image, info } = files as { menu: RichMenu; image: Buffer; info: NonNullable<typeof files.info> };
  const lines = [`${files.menuPath}: ${menu.areas.length} areas, ${menu.size.width}×${menu.size.height}, chat bar 「${menu.chatBarText}」`, `${files.imagePath}: ${info.type}, ${image.length} bytes`];
  if (options.dryRun) return { ok: true, report: [...lines, 'dry run: nothing sent to LINE'].join('\n') };

  const channelAccessToken = config.line.channelAccessToken;
  if (!channelAccessToken) throw new ConfigError([{ variable: 'LINE_CHANNEL_ACCESS_TOKEN', expected: 'the channel access token (needed to create the rich menu)' }]);
  const line = { ...config.line, channelAccessToken };
  const client = createLineClient(line);
  const blob = createLineBlobClient(line);

  let richMenuId: string | undefined;
  let step = 'creating the rich menu';
  try {
    richMenuId = (await withTimeout('create rich menu', client.createRichMenu(toLineRichMenu(menu)))).richMenuId;
    lines.push(`created rich menu ${richMenuId}`);
    step = 'uploading the image';
    await withTimeout('upload rich menu image', blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(image)], { type: info.type })), UPLOAD_TIMEOUT_MS);
    lines.push('uploaded the image');
    if (options.setDefault ?? true) {
      step = 'setting the default rich menu';
      await withTimeout('set default rich menu', client.setDefaultRichMenu(richMenuId));
      lines.push('set as the default rich menu for every user');
    }
    return { ok: true, report: lines.join('\n'), richMenuId };
  } catch (error) {
    const reason = describeCallError(error);
    lines.push(`failed while ${step}: ${reason}`);
    if (richMenuId) {
      // A menu without an image is useless: remove it rather than leave it among the account's menus.
      await withTimeout('delete rich menu', client.deleteRichMenu(richMenuId)).then(
        () => lines.push(`deleted the unfinished rich menu ${richMenuId}`),
        () => lines.push(`could not delete the unfinished rich menu ${richMenuId}; delete it in the LINE Official Account Manager`),
      );
    }
    return { ok: false, report: lines.join('\n') };
  }
}
