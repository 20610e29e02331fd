export { startMoto, motoAvailable, freePort, describeIfAvailable, type Moto } from './lib/moto';
export { findChromium, checkHtmlPage, type PageCheck } from './lib/browser';
