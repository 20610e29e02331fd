export { startMoto, motoAvailable, freePort, describeIfAvailable, type Moto } from './lib/moto';
