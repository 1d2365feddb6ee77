import { ArgumentError, randn, type DType, type Tensor } from "../tensor/index.js";
import { checkOptions } from "../tensor/options.js";
import { embedding } from "./functional.js";
import { checkSize } from "./linear.js";
import { Module, Parameter } from "./module.js";

export interface EmbeddingOptions {
  /** A row whose gradient is always 0 (and that starts at 0): a padding token's. Negative counts from the end. */
  paddingIdx?: number | null;
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`: `emb(X)` is `weight[X]` for a
 * tensor of integer indices X, shape [...X.shape, embeddingDim]. The weight starts from N(0, 1), as PyTorch.
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingOptions = {}) {
    super();
    checkOptions(options, ["paddingIdx", "dtype"], "Embedding");
    checkSize("Embedding", "numEmbeddings", numEmbeddings);
    checkSize("Embedding", "embeddingDim", embeddingDim);
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new ArgumentError(`Embedding: paddingIdx must be an integer within numEmbeddings (${numEmbeddings}), got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = pad;
    this.weight = Parameter(randn([numEmbeddings, embeddingDim], { dtype: options.dtype ?? "float32" }));
    if (pad !== null) this.weight.data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
