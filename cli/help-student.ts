/** The words `lamini train --help` and `lamini ask --help` print. */
import { estimateTrainingMemory, formatBytes, gpt2MemoryShape, t5MemoryShape, type MemoryEstimate } from '../trainers/memory.ts';
import { PRESETS } from '../trainers/model/shape.ts';
import { T5_STUDENT_PRESETS } from '../trainers/presets.ts';
import { OBSERVABILITY_HELP } from './args.ts';

const COMMON = `Common options:
  --data-dir DIR     where the corpus lives (default ./lamini-data; env LAMINI_DATA_DIR)
  -h, --help         this help`;

function size(parameters: number): string {
  return parameters >= 1e9 ? `${(parameters / 1e9).toFixed(2)}B` : `${(parameters / 1e6).toFixed(1)}M`;
}

function line(name: string, parameters: number, memory: MemoryEstimate, what: string, note: string): string {
  return `  ${name.padEnd(14)} ${size(parameters).padStart(7)} ${formatBytes(memory.total).padStart(9)}  ${what}: ${note}`;
}

const decoderLines = Object.entries(PRESETS).map(([name, p]) => {
  const s = p.shape;
  const memory = estimateTrainingMemory(gpt2MemoryShape(s), { batchSize: p.batchSize, gradAccum: 1, sourceTokens: 0, targetTokens: s.context });
  return line(name, memory.parameters, memory, `${s.layers} layers, d ${s.dModel}, ${s.heads} heads, context ${s.context}, vocab ${s.vocabSize}, batch ${p.batchSize}`, p.note);
});

const encoderDecoderLines = Object.entries(T5_STUDENT_PRESETS).map(([name, p]) => {
  const c = p.config;
  const memory = estimateTrainingMemory(t5MemoryShape(c), { batchSize: p.batchSize, gradAccum: 1, sourceTokens: p.window, targetTokens: p.window });
  const ff = c.feedForwardProj === 'gated-gelu' ? 'gated GELU' : 'ReLU';
  return line(name, memory.parameters, memory, `${c.numLayers}+${c.numDecoderLayers} layers, d ${c.dModel}, ${c.numHeads} heads, d_ff ${c.dFf} ${ff}, window ${p.window}, batch ${p.batchSize}`, p.note);
});

const presetLines = [
  '  decoder-only (GPT-2):', ...decoderLines, '  encoder-decoder (T5, Flan-T5):', ...encoderDecoderLines,
].join('\n');

export const STUDENT_HELP = {
  train: `Usage: lamini train [--arch decoder-only|encoder-decoder] [--preset NAME] [--init DIR] [--steps N] [--epochs N]
                    [--follow] [--save-every N] [--out DIR] [--backend auto|tensorflow-gpu|tensorflow|wasm|cpu] [--json]

Trains a student on the corpus, in either of the paper's families. Decoder-only (GPT-2): the Alpaca prompt
wrapper and the response in one sequence, loss on the response tokens and the end token. Encoder-decoder (T5,
Flan-T5): the wrapper's instruction part (instruction and input, up to "### Response:") and the end token to
the encoder, the response and the end token as the decoder's target after the decoder start token. AdamW (no
decay on biases and norms), linear warmup then cosine decay, global-norm clipping at 1.0. Reads the committed
shards (each checked against its sha256 in the manifest) in a seeded block-shuffled order; 1% of the ids (by
hash) are held out for the evaluation loss and never trained on. Checkpoints are Hugging Face folders
(config.json, model.safetensors, tokenizer.json; GPT2LMHeadModel or T5ForConditionalGeneration) with the
trainer's state beside them (trainer_state.json, optimizer.safetensors); running the same command again with
the same --out resumes from the last one and sees exactly the rows an uninterrupted run would have. Before the
first step it prints the memory the run needs (weights, gradients, AdamW moments, activations at the batch and
context) and refuses, in one line, a run the machine cannot hold.
Ctrl-C stops after the current step and saves a checkpoint (exit 130, as "lamini run").

Presets: parameters, memory to train at the listed batch (from scratch they train a byte-level BPE of up to
the preset's vocabulary on the corpus; the paper's sizes are meant for --init with the user's own Hugging Face
folder of that model, nothing is downloaded):
${presetLines}

Options:
  --arch FAMILY         decoder-only (default) or encoder-decoder; picks the default preset (tiny, t5-tiny)
                        and must agree with --preset and with the --init folder
  --preset NAME         one of the presets above (default tiny, or t5-tiny with --arch encoder-decoder)
  --init DIR            finetune from a Hugging Face GPT-2 or T5 / Flan-T5 folder (config.json, model.safetensors,
                        tokenizer.json); its shape and tokenizer are kept (T5's SentencePiece Unigram too)
  --steps N             optimizer steps to reach (default: --epochs passes over the corpus)
  --epochs N            passes over the corpus (default 5, the paper's; with --steps alone, as many as needed)
  --follow              also train on shards committed after the start, at pass boundaries (see docs/trainer.md);
                        without --steps it keeps following until stopped
  --batch-size N        examples per forward pass (default: the preset's)
  --grad-accum N        forward passes per optimizer step (gradient accumulation; default 1): the way to reach
                        the paper's effective batch when a big one does not fit
  --lr RATE             peak learning rate (default with --init: the paper's 2e-5 decoder-only, 5e-4
                        encoder-decoder; from scratch: the preset's)
  --warmup N            warmup steps (default 3% of the run)
  --layers N, --d-model N, --heads N, --vocab-size N
                        override the preset's shape (from scratch only)
  --context N           decoder-only: the context; encoder-decoder: the longest encoder input and decoder
                        target (default: the preset's, 512 for T5)
  --save-every N        checkpoint every N steps (default 200), and always at the end
  --keep N              checkpoints to keep (default 3)
  --eval-every N        evaluation loss every N steps (default 50), and at the end
  --eval-examples N     held-out examples the evaluation loss uses (default 64)
  --eval-percent P      share of the corpus held out by id hash (default 1)
  --out DIR             checkpoints folder (default <data-dir>/checkpoints)
  --backend NAME        auto (default: tensorflow-gpu, tensorflow, wasm, cpu, best first), or one of them
  --threads N           native TensorFlow threads (default: its own choice)
  --seed N              seed of the initial weights and the data order (default 1)
  --log-every N         a progress line (or JSON line) every N steps (default 10), and at evaluations
  --json                one JSON line per logged step: step, loss, eval_loss (when computed),
                        tokens_per_second, lr, grad_norm, examples, epoch, time
${OBSERVABILITY_HELP}

${COMMON}`,

  ask: `Usage: lamini ask --checkpoint DIR "instruction" [--input TEXT] [--max-tokens N] [--temperature T] [--seed N]

Answers an instruction with a student of either family (decoder-only GPT-2, encoder-decoder T5 / Flan-T5; the
folder's config.json says which): the instruction (and input) in the Alpaca prompt wrapper it was trained with,
then tokens until the end token or --max-tokens. Greedy at temperature 0 (the default).

Options:
  --checkpoint DIR      a checkpoint folder (checkpoint-N), or a folder of them (the latest is used), or any
                        Hugging Face GPT-2 or T5 folder with config.json, model.safetensors and tokenizer.json
  --input TEXT          the input that goes with the instruction
  --max-tokens N        most tokens to generate (default 128)
  --temperature T       0 (default) is greedy; above 0 samples
  --top-p P             nucleus sampling when sampling (default 1)
  --seed N              seed for sampling (default 1)
  --no-wrapper          send the text as it is, without the Alpaca wrapper
  --stream              print the answer as it is generated
  --backend NAME        as for train (default auto)
  --json                print {"response", "tokens", "stopped", "finish_reason", "family", "checkpoint"} as JSON

${COMMON}`,
};
