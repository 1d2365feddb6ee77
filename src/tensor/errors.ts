// Every error the tensor layer throws: one base class, one subclass per kind of mistake.

/** Base class of all tsgrad errors. */
export class TsgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together (broadcasting, matmul, reshape, cat, ...). */
export class ShapeError extends TsgradError {}

/** An unknown dtype or a dtype an operation cannot take. */
export class DTypeError extends TsgradError {}

/** Misuse of autograd: backward twice, backward on a tensor without grad, hooks on constants. */
export class AutogradError extends TsgradError {}

/** A bad argument value: out-of-range dim, non-integer size, ragged nested array, NaN index. */
export class ArgumentError extends TsgradError {}
