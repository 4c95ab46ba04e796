/** The `--backend` choices, apart from the selection logic so a command can parse the flag without loading TensorFlow. */
export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
