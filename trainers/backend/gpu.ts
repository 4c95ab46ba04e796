/**
 * Is an NVIDIA GPU visible to this process? The kernel driver lists each GPU under
 * `/proc/driver/nvidia/gpus/`; `CUDA_VISIBLE_DEVICES` set to empty or `-1` hides them all. No CUDA library is
 * loaded to answer.
 */
import { readdirSync } from 'node:fs';

export function nvidiaGpuVisible(env: NodeJS.ProcessEnv = process.env, driverDir = '/proc/driver/nvidia/gpus'): boolean {
  const visible = env['CUDA_VISIBLE_DEVICES'];
  if (visible !== undefined && (visible.trim() === '' || visible.trim() === '-1')) return false;
  try {
    return readdirSync(driverDir).length > 0;
  } catch {
    return false;
  }
}
