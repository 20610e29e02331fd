export { startMoto, motoAvailable, freePort, describeIfAvailable, type Moto } from './lib/moto';
export { CHROMIUM_ARGS, checkHtmlPage, findChromium, launchChromium, type PageCheck } from './lib/browser';
