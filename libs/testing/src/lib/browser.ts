import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** A headless Chromium on this machine: $CHROMIUM_PATH, or Debian's chromium-headless-shell / chromium. */
export function findChromium(): string | null {
  const candidates = [
    process.env['CHROMIUM_PATH'],
    '/usr/lib/chromium/chromium-headless-shell',
    '/usr/bin/chromium-headless-shell',
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p)) ?? null;
}

/** Flags for headless Chromium in tests: no sandbox (containers), no GPU, no background or update traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Headless Chromium through puppeteer-core (the caller closes it). */
export async function launchChromium(): Promise<import('puppeteer-core').Browser> {
  const executablePath = findChromium();
  if (executablePath === null) throw new Error('no headless Chromium found (apt-get install chromium-headless-shell)');
  const puppeteer = await import('puppeteer-core');
  return puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

export interface PageCheck {
  /** Console errors, uncaught page errors, and failed or attempted network requests other than the page itself. */
  problems: string[];
  /** Per `figure.plot`: its data-plot id, rendered size, data marks (`.mark`), and the share of non-background pixels. */
  plots: { id: string; width: number; height: number; marks: number; inkShare: number }[];
  title: string;
}

/**
 * Opens a local HTML file in headless Chromium (no network: every request other than the file fails the check),
 * records console errors and page errors, measures every `figure.plot` — its size, its data marks (`.mark`), and how much of it
 * is actually painted (the SVG rasterised on a canvas, pixels differing from white) — and saves a full-page
 * screenshot.
 */
export async function checkHtmlPage(file: string, screenshotPath: string): Promise<PageCheck> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const url = pathToFileURL(file).href;
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 200)}`));
    page.on('request', (r) => {
      // data: URLs are the check's own rasterisation below; anything else would leave the file
      if (r.url() !== url && !r.url().startsWith('data:')) problems.push(`external request: ${r.url().slice(0, 200)}`);
    });
    await page.setViewport({ width: 1400, height: 900 });
    const res = await page.goto(url, { waitUntil: 'load' });
    if (res !== null && !res.ok()) problems.push(`load: ${res.status()}`);
    const plots = (await page.evaluate(MEASURE_PLOTS)) as PageCheck['plots'];
    await page.screenshot({ path: screenshotPath as `${string}.png`, fullPage: true });
    return { problems, plots, title: await page.title() };
  } finally {
    await browser.close();
  }
}

/** Runs in the page (plain JavaScript: the Node side has no DOM types). */
const MEASURE_PLOTS = `(async () => {
  const out = [];
  for (const fig of Array.from(document.querySelectorAll('figure.plot'))) {
    const svg = fig.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : null;
    const marks = svg ? svg.querySelectorAll('.mark').length : 0;
    let inkShare = 0;
    if (svg && box && box.width > 0 && box.height > 0) {
      const img = new Image();
      img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(box.width);
      canvas.height = Math.round(box.height);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) ink++;
      inkShare = ink / (px.length / 4);
    }
    out.push({ id: fig.getAttribute('data-plot') || '', width: box ? box.width : 0, height: box ? box.height : 0, marks, inkShare });
  }
  return out;
})()`;
