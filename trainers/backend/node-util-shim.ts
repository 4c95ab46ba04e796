/**
 * tfjs-node 4.22 calls `util.isNullOrUndefined` and `util.isArray`, which Node 22 deprecates with a warning
 * on stderr (DEP0051, DEP0044) and Node 23 removes (`isNullOrUndefined`). Before tfjs-node loads, give
 * `node:util` plain versions of both: same answers, no warning, and tfjs-node keeps working on newer Node.
 */
import util from 'node:util';

interface LegacyUtil {
  isNullOrUndefined?: (value: unknown) => boolean;
  isArray?: (value: unknown) => boolean;
}

export function shimLegacyUtil(target: LegacyUtil = util): void {
  target.isNullOrUndefined = (value: unknown): boolean => value === null || value === undefined;
  target.isArray = (value: unknown): boolean => Array.isArray(value);
}
