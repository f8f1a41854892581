// `yorisoi line richmenu` against the fake LINE API (API and data API hosts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePostbackData } from '../../../src/channels/line/adapter.js';
import { DEFAULT_RICH_MENU_FILE, DEFAULT_RICH_MENU_IMAGE, imageInfo, runLineRichMenu } from '../../../src/cli/commands/line.js';
import { loadConfig } from '../../../src/config.js';
import { decodeChoiceData } from '../../../src/conversation/choice-data.js';
import { startFakeLineApi, type FakeLineApi } from '../../fakes/fake-line-api.js';

const TOKEN = 'richmenu-test-token';

describe('yorisoi line richmenu', () => {
  let fake: FakeLineApi;
  let config: ReturnType<typeof loadConfig>;

  beforeAll(async () => {
    fake = await startFakeLineApi({ channelAccessToken: TOKEN });
    config = loadConfig({ NODE_ENV: 'test', LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url, LINE_DATA_API_BASE_URL: fake.url });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it('ships a menu and an image LINE accepts', () => {
    const menu = JSON.parse(readFileSync(DEFAULT_RICH_MENU_FILE, 'utf8'));
    const image = readFileSync(DEFAULT_RICH_MENU_IMAGE);
    expect(imageInfo(image)).toEqual({ type: 'image/png', width: menu.size.width, height: menu.size.height });
    expect(image.length).toBeLessThanOrEqual(1024 * 1024);
    // Every button is a command the core understands in any state.
    for (const area of menu.areas) {
      expect(area.action.type).toBe('postback');
      expect(decodeChoiceData(area.action.data).kind).toBe('command');
    }
    expect(menu.areas.map((a: any) => decodeChoiceData(a.action.data))).toEqual([
      { kind: 'command', command: 'start' },
      { kind: 'command', command: 'talk' },
      { kind: 'command', command: 'help' },
      { kind: 'command', command: 'hotlines' },
    ]);
  });

  it('creates the menu, uploads the image to the data API and sets it as default', async () => {
    const result = await runLineRichMenu(config);
    expect(result.ok).toBe(true);
    expect(result.richMenuId).toMatch(/^richmenu-/);
    const created = fake.richMenus.get(result.richMenuId!)!;
    expect(created.menu.chatBarText).toBe('相談メニュー');
    expect(created.contentType).toBe('image/png');
    expect(created.image!.equals(readFileSync(DEFAULT_RICH_MENU_IMAGE))).toBe(true);
    expect(fake.defaultRichMenuId).toBe(result.richMenuId);
    // The tapped button's label reaches staff through the postback data.
    expect(decodePostbackData(created.menu.areas[1].action.data)).toEqual({ data: 'cmd:talk', displayText: '人と話したい' });
    expect(fake.calls.map((c) => `${c.method} ${c.path.replace(result.richMenuId!, ':id')}`)).toEqual([
      'POST /v2/bot/richmenu',
      'POST /v2/bot/richmenu/:id/content',
      'POST /v2/bot/user/all/richmenu/:id',
    ]);
    expect(fake.calls.every((c) => c.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('checks the files before calling LINE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yorisoi-richmenu-'));
    const menu = JSON.parse(readFileSync(DEFAULT_RICH_MENU_FILE, 'utf8'));
    menu.chatBarText = 'とても長いチャットバーの文字列です';
    menu.size.height = 843;
    writeFileSync(join(dir, 'menu.json'), JSON.stringify(menu));
    const before = fake.calls.length;
    const result = await runLineRichMenu(config, { menu: join(dir, 'menu.json') });
    expect(result.ok).toBe(false);
    expect(result.report).toContain('chatBarText');
    expect(result.report).toContain('outside the menu');
    const compact = JSON.parse(readFileSync(DEFAULT_RICH_MENU_FILE, 'utf8'));
    compact.size.height = 843;
    compact.areas.forEach((area: any, i: number) => (area.bounds = { x: i * 625, y: 0, width: 625, height: 843 }));
    writeFileSync(join(dir, 'compact.json'), JSON.stringify(compact));
    const mismatch = await runLineRichMenu(config, { menu: join(dir, 'compact.json') });
    expect(mismatch.ok).toBe(false);
    expect(mismatch.report).toContain('2500×1686, but the menu is 2500×843');
    expect(fake.calls.length).toBe(before);
    expect((await runLineRichMenu(config, { dryRun: true })).ok).toBe(true);
  });

  it('removes a menu whose image upload failed', async () => {
    fake.failNext(/\/content$/, 500, { message: 'Internal Server Error' });
    const result = await runLineRichMenu(config);
    expect(result.ok).toBe(false);
    expect(result.report).toMatch(/failed while uploading the image: LINE answered 500/);
    expect(result.report).toMatch(/deleted the unfinished rich menu/);
  });

  it('needs the channel access token', async () => {
    const noToken = loadConfig({ NODE_ENV: 'test' });
    await expect(runLineRichMenu(noToken)).rejects.toThrow(/LINE_CHANNEL_ACCESS_TOKEN/);
  });
});
