import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { NativeLightGbmError } from '../errors';

export interface LibraryLocation {
  path: string;
  /** How it was found: the LIGHTGBM_LIB variable, or the `lightgbm` Python package. */
  source: 'LIGHTGBM_LIB' | 'python';
}

export const INSTALL_HINT =
  'install LightGBM with `pip install lightgbm` (its wheel ships lib_lightgbm.so; Debian also needs libgomp1) ' +
  'or set LIGHTGBM_LIB to the path of lib_lightgbm.so';

let pythonProbe: string | null | undefined;

/**
 * Finds lib_lightgbm.so: `LIGHTGBM_LIB` if set (it must name an existing file), else the library inside an installed
 * `lightgbm` Python package (interpreter from `ADRANK_PYTHON`, default `python3`), else null.
 */
export function findLightGbmLibrary(env: NodeJS.ProcessEnv = process.env): LibraryLocation | null {
  const explicit = env['LIGHTGBM_LIB'];
  if (explicit !== undefined && explicit !== '') {
    if (!existsSync(explicit)) {
      throw new NativeLightGbmError(`LIGHTGBM_LIB=${explicit} does not exist; ${INSTALL_HINT}`);
    }
    return { path: explicit, source: 'LIGHTGBM_LIB' };
  }
  if (pythonProbe === undefined) {
    const python = env['ADRANK_PYTHON'] || 'python3';
    try {
      const out = execFileSync(
        python,
        [
          '-c',
          'import lightgbm, os; print(os.path.join(os.path.dirname(lightgbm.__file__), "lib", "lib_lightgbm.so"))',
        ],
        { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] },
      ).trim();
      pythonProbe = out && existsSync(out) ? out : null;
    } catch {
      pythonProbe = null;
    }
  }
  return pythonProbe ? { path: pythonProbe, source: 'python' } : null;
}
