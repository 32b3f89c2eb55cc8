using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossLab.Models;

/// <summary>
/// Packed, cache-blocked matrix products for the large dense layers. Every output element is one chain of
/// multiply-adds in the order of the inner index, whatever the tiling, the blocking or the split into column ranges,
/// so a product computed in parts (on any number of threads) has the same bits as in one piece.
/// <list type="bullet">
/// <item><see cref="FloatProduct"/>: C[r, c] = FMA(A[r, j], B[j, c], C[r, c]) for j = 0, 1, … in float, with B packed in
/// panels of 16 columns (inner × 16, zero-padded) and a 6 × 16 register tile (12 accumulators of 8 lanes); the inner
/// index goes in blocks of <see cref="FloatDepth"/> so that a B block stays in L1 while A's rows stream from L2.</item>
/// <item><see cref="DoubleProduct"/>: C[m, n] += Σₖ A[k, m]·B[k, n] in double (each product of two floats is exact in
/// double), the float operands converted once into packed double panels (A: 6 rows × depth, B: depth × 8 columns), a
/// 6 × 8 register tile of 4-lane double FMA (12 accumulators).</item>
/// </list>
/// </summary>
internal static class PackedGemm
{
    /// <summary>Rows of the float register tile.</summary>
    public const int FloatRows = 6;

    /// <summary>Columns of a float panel (two 8-lane vectors).</summary>
    public const int FloatPanel = 16;

    /// <summary>Inner-index block of the float product (a 16-column B block of 16 KiB).</summary>
    public const int FloatDepth = 256;

    /// <summary>Rows of the double register tile.</summary>
    public const int DoubleRows = 6;

    /// <summary>Columns of a double panel (two 4-lane vectors).</summary>
    public const int DoublePanel = 8;

    /// <summary>Inner-index block of the double product (a B panel of 16 KiB).</summary>
    public const int DoubleDepth = 256;

    /// <summary>Rows of C (and of packed A) per block of the double product (48 × 256 doubles, 96 KiB, in L2); the unit of its split.</summary>
    public const int DoubleBlockRows = 48;

    /// <summary>Floats of scratch one part of <see cref="FloatProduct"/> needs.</summary>
    public const int FloatScratch = (FloatRows * FloatDepth) + (FloatRows * FloatPanel);

    /// <summary>Doubles of scratch one part of <see cref="DoubleProduct"/> needs.</summary>
    public const int DoubleScratch = (DoubleBlockRows * DoubleDepth) + (DoublePanel * DoubleDepth) + (DoubleRows * DoublePanel);

    /// <summary>Number of 16-column panels of <paramref name="cols"/> columns.</summary>
    public static int FloatPanels(int cols) => (cols + FloatPanel - 1) / FloatPanel;

    /// <summary>Number of row blocks of the double product for <paramref name="rows"/> rows.</summary>
    public static int DoubleBlocks(int rows) => (rows + DoubleBlockRows - 1) / DoubleBlockRows;

    /// <summary>Number of 8-column panels of <paramref name="cols"/> columns.</summary>
    public static int DoublePanels(int cols) => (cols + DoublePanel - 1) / DoublePanel;

    /// <summary>Floats of a packed B of <paramref name="inner"/> × <paramref name="cols"/>.</summary>
    public static long PackedLength(int inner, int cols) => (long)inner * FloatPanels(cols) * FloatPanel;

    /// <summary>
    /// Packs B[j, c] = w[c·inner + j] (the transpose of a cols × inner row-major <paramref name="w"/>) for the panels
    /// [<paramref name="firstPanel"/>, <paramref name="endPanel"/>): panel p holds B[j, 16p + t] at p·inner·16 + j·16 + t,
    /// zero past the last column.
    /// </summary>
    public static void PackTransposed(ReadOnlySpan<float> w, int inner, int cols, Span<float> packed, int firstPanel, int endPanel)
    {
        for (int p = firstPanel; p < endPanel; p++)
        {
            Span<float> panel = packed.Slice(p * inner * FloatPanel, inner * FloatPanel);
            int c0 = p * FloatPanel, width = Math.Min(FloatPanel, cols - c0);
            if (width < FloatPanel)
            {
                panel.Clear();
            }

            ref float dst = ref MemoryMarshal.GetReference(panel);
            if (width == FloatPanel && Avx.IsSupported && inner >= 8)
            {
                // 8 × 8 blocks transposed in registers: two groups of 8 rows of w give the panel's 16 columns.
                ref float w0 = ref MemoryMarshal.GetReference(w.Slice(c0 * inner, FloatPanel * inner));
                int full = inner - (inner % 8);
                for (int half = 0; half < 2; half++)
                {
                    ref float rows = ref Unsafe.Add(ref w0, half * 8 * inner);
                    for (int j = 0; j < full; j += 8)
                    {
                        Transpose8(ref Unsafe.Add(ref rows, j), inner, ref Unsafe.Add(ref dst, (j * FloatPanel) + (half * 8)), FloatPanel);
                    }
                }

                for (int t = 0; t < FloatPanel; t++)
                {
                    ref float row = ref Unsafe.Add(ref w0, t * inner);
                    for (int j = full; j < inner; j++)
                    {
                        Unsafe.Add(ref dst, (j * FloatPanel) + t) = Unsafe.Add(ref row, j);
                    }
                }

                continue;
            }

            for (int t = 0; t < width; t++)
            {
                ref float row = ref MemoryMarshal.GetReference(w.Slice((c0 + t) * inner, inner));
                ref float column = ref Unsafe.Add(ref dst, t);
                int j = 0;
                for (; j <= inner - 4; j += 4)
                {
                    Unsafe.Add(ref column, j * FloatPanel) = Unsafe.Add(ref row, j);
                    Unsafe.Add(ref column, (j + 1) * FloatPanel) = Unsafe.Add(ref row, j + 1);
                    Unsafe.Add(ref column, (j + 2) * FloatPanel) = Unsafe.Add(ref row, j + 2);
                    Unsafe.Add(ref column, (j + 3) * FloatPanel) = Unsafe.Add(ref row, j + 3);
                }

                for (; j < inner; j++)
                {
                    Unsafe.Add(ref column, j * FloatPanel) = Unsafe.Add(ref row, j);
                }
            }
        }
    }

    /// <summary>d[k·ldd + r] = s[r·lds + k] for r, k &lt; 8: an 8 × 8 block transposed in eight AVX registers.</summary>
    private static void Transpose8(ref float s, int lds, ref float d, int ldd)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref s), r1 = Vector256.LoadUnsafe(ref s, (nuint)lds);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref s, (nuint)(2 * lds)), r3 = Vector256.LoadUnsafe(ref s, (nuint)(3 * lds));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref s, (nuint)(4 * lds)), r5 = Vector256.LoadUnsafe(ref s, (nuint)(5 * lds));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref s, (nuint)(6 * lds)), r7 = Vector256.LoadUnsafe(ref s, (nuint)(7 * lds));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref d);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref d, (nuint)ldd);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref d, (nuint)(2 * ldd));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref d, (nuint)(3 * ldd));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref d, (nuint)(4 * ldd));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref d, (nuint)(5 * ldd));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref d, (nuint)(6 * ldd));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref d, (nuint)(7 * ldd));
    }

    /// <summary>
    /// Packs B[j, c] = w[j·cols + c] (a row-major inner × cols <paramref name="w"/>) for the panels
    /// [<paramref name="firstPanel"/>, <paramref name="endPanel"/>), laid out as in <see cref="PackTransposed"/>.
    /// </summary>
    public static void PackRows(ReadOnlySpan<float> w, int inner, int cols, Span<float> packed, int firstPanel, int endPanel)
    {
        for (int p = firstPanel; p < endPanel; p++)
        {
            Span<float> panel = packed.Slice(p * inner * FloatPanel, inner * FloatPanel);
            int c0 = p * FloatPanel, width = Math.Min(FloatPanel, cols - c0);
            if (width < FloatPanel)
            {
                panel.Clear();
            }

            for (int j = 0; j < inner; j++)
            {
                w.Slice((j * cols) + c0, width).CopyTo(panel.Slice(j * FloatPanel, width));
            }
        }
    }

    /// <summary>
    /// C[r, c] = FMA(A[r, j], B[j, c], C[r, c]) for j = 0 … inner − 1 in turn, for all rows and the columns of the panels
    /// [<paramref name="firstPanel"/>, <paramref name="endPanel"/>); A row-major with row stride <paramref name="lda"/>,
    /// B packed by <see cref="PackTransposed"/> or <see cref="PackRows"/>, C row-major with row stride <paramref name="ldc"/>.
    /// </summary>
    public static void FloatProduct(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> packed, Span<float> c, int ldc, int rows, int inner, int cols, int firstPanel, int endPanel, Span<float> scratch)
    {
        if (rows == 0 || inner == 0 || firstPanel >= endPanel)
        {
            return;
        }

        if ((long)(rows - 1) * lda + inner > a.Length || (long)(rows - 1) * ldc + cols > c.Length || PackedLength(inner, cols) > packed.Length
            || scratch.Length < FloatScratch || endPanel > FloatPanels(cols))
        {
            throw new ArgumentException("a span is too short for the product's shape");
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        ref float b0 = ref MemoryMarshal.GetReference(packed);
        ref float aTail = ref MemoryMarshal.GetReference(scratch);
        ref float cTile = ref Unsafe.Add(ref aTail, FloatRows * FloatDepth);
        int fullRows = rows - (rows % FloatRows);
        for (int k0 = 0; k0 < inner; k0 += FloatDepth)
        {
            int depth = Math.Min(FloatDepth, inner - k0);
            if (fullRows < rows)
            {
                // The last rows (fewer than a tile) copied into a zero-padded tile of A.
                scratch[..(FloatRows * FloatDepth)].Clear();
                for (int r = fullRows; r < rows; r++)
                {
                    a.Slice((r * lda) + k0, depth).CopyTo(scratch.Slice((r - fullRows) * FloatDepth, depth));
                }
            }

            for (int p = firstPanel; p < endPanel; p++)
            {
                ref float b = ref Unsafe.Add(ref b0, (p * inner * FloatPanel) + (k0 * FloatPanel));
                int col = p * FloatPanel, width = Math.Min(FloatPanel, cols - col);
                for (int r = 0; r < rows; r += FloatRows)
                {
                    int height = Math.Min(FloatRows, rows - r);
                    ref float aRow = ref height == FloatRows ? ref Unsafe.Add(ref a0, (r * lda) + k0) : ref aTail;
                    int aStride = height == FloatRows ? lda : FloatDepth;
                    ref float cRow = ref Unsafe.Add(ref c0, (r * ldc) + col);
                    if (height == FloatRows && width == FloatPanel)
                    {
                        FloatTile(ref aRow, aStride, ref b, depth, ref cRow, ldc);
                    }
                    else
                    {
                        // An edge tile: C through a 6 × 16 tile, the padding computed and dropped.
                        Span<float> tile = scratch.Slice(FloatRows * FloatDepth, FloatRows * FloatPanel);
                        tile.Clear();
                        for (int i = 0; i < height; i++)
                        {
                            c.Slice(((r + i) * ldc) + col, width).CopyTo(tile.Slice(i * FloatPanel, width));
                        }

                        FloatTile(ref aRow, aStride, ref b, depth, ref cTile, FloatPanel);
                        for (int i = 0; i < height; i++)
                        {
                            tile.Slice(i * FloatPanel, width).CopyTo(c.Slice(((r + i) * ldc) + col, width));
                        }
                    }
                }
            }
        }
    }

    /// <summary>The 6 × 16 float tile: 12 accumulators of 8 lanes over <paramref name="depth"/> steps of the inner index.</summary>
    private static void FloatTile(ref float a, int lda, ref float b, int depth, ref float c, int ldc)
    {
        ref float a1 = ref Unsafe.Add(ref a, lda);
        ref float a2 = ref Unsafe.Add(ref a, 2 * lda);
        ref float a3 = ref Unsafe.Add(ref a, 3 * lda);
        ref float a4 = ref Unsafe.Add(ref a, 4 * lda);
        ref float a5 = ref Unsafe.Add(ref a, 5 * lda);
        ref float r1 = ref Unsafe.Add(ref c, ldc);
        ref float r2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref float r3 = ref Unsafe.Add(ref c, 3 * ldc);
        ref float r4 = ref Unsafe.Add(ref c, 4 * ldc);
        ref float r5 = ref Unsafe.Add(ref c, 5 * ldc);
        Vector256<float> c00 = Vector256.LoadUnsafe(ref c), c01 = Vector256.LoadUnsafe(ref c, 8);
        Vector256<float> c10 = Vector256.LoadUnsafe(ref r1), c11 = Vector256.LoadUnsafe(ref r1, 8);
        Vector256<float> c20 = Vector256.LoadUnsafe(ref r2), c21 = Vector256.LoadUnsafe(ref r2, 8);
        Vector256<float> c30 = Vector256.LoadUnsafe(ref r3), c31 = Vector256.LoadUnsafe(ref r3, 8);
        Vector256<float> c40 = Vector256.LoadUnsafe(ref r4), c41 = Vector256.LoadUnsafe(ref r4, 8);
        Vector256<float> c50 = Vector256.LoadUnsafe(ref r5), c51 = Vector256.LoadUnsafe(ref r5, 8);
        for (nuint j = 0; j < (nuint)depth; j++)
        {
            Vector256<float> b0 = Vector256.LoadUnsafe(ref b, j * FloatPanel);
            Vector256<float> b1 = Vector256.LoadUnsafe(ref b, (j * FloatPanel) + 8);
            Vector256<float> x = Vector256.Create(Unsafe.Add(ref a, j));
            c00 = Vector256.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(Unsafe.Add(ref a1, j));
            c10 = Vector256.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(Unsafe.Add(ref a2, j));
            c20 = Vector256.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(Unsafe.Add(ref a3, j));
            c30 = Vector256.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(Unsafe.Add(ref a4, j));
            c40 = Vector256.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(Unsafe.Add(ref a5, j));
            c50 = Vector256.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
        }

        c00.StoreUnsafe(ref c);
        c01.StoreUnsafe(ref c, 8);
        c10.StoreUnsafe(ref r1);
        c11.StoreUnsafe(ref r1, 8);
        c20.StoreUnsafe(ref r2);
        c21.StoreUnsafe(ref r2, 8);
        c30.StoreUnsafe(ref r3);
        c31.StoreUnsafe(ref r3, 8);
        c40.StoreUnsafe(ref r4);
        c41.StoreUnsafe(ref r4, 8);
        c50.StoreUnsafe(ref r5);
        c51.StoreUnsafe(ref r5, 8);
    }

    /// <summary>
    /// C[m, n] += Σₖ A[k, m]·B[k, n] in double for k = 0 … inner − 1 in turn, for the rows of the blocks
    /// [<paramref name="firstBlock"/>, <paramref name="endBlock"/>) of <see cref="DoubleBlockRows"/> and all columns; A
    /// (inner × rows, row stride <paramref name="lda"/>) and B (inner × cols, row stride <paramref name="ldb"/>) float, C
    /// row-major double (rows × cols). A block's rows of A are converted once, B's panels once per block.
    /// </summary>
    /// <remarks>
    /// With <paramref name="overwrite"/> the sums start from 0 instead of C's values (C need not be cleared first): the
    /// same chain, 0 + a₀b₀ + a₁b₁ + …, so the same bits as clearing C and adding.
    /// </remarks>
    public static void DoubleProduct(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<double> c, int rows, int inner, int cols, int firstBlock, int endBlock, Span<double> scratch, bool overwrite = false)
    {
        if (rows == 0 || inner == 0 || cols == 0 || firstBlock >= endBlock)
        {
            return;
        }

        if ((long)(inner - 1) * lda + rows > a.Length || (long)(inner - 1) * ldb + cols > b.Length || (long)rows * cols > c.Length
            || scratch.Length < DoubleScratch || endBlock > DoubleBlocks(rows))
        {
            throw new ArgumentException("a span is too short for the product's shape");
        }

        Span<double> packedA = scratch[..(DoubleBlockRows * DoubleDepth)];
        Span<double> packedB = scratch.Slice(DoubleBlockRows * DoubleDepth, DoublePanel * DoubleDepth);
        Span<double> tile = scratch.Slice((DoubleBlockRows + DoublePanel) * DoubleDepth, DoubleRows * DoublePanel);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        for (int k0 = 0; k0 < inner; k0 += DoubleDepth)
        {
            int depth = Math.Min(DoubleDepth, inner - k0);
            for (int block = firstBlock; block < endBlock; block++)
            {
                int m0 = block * DoubleBlockRows, blockRows = Math.Min(DoubleBlockRows, rows - m0);
                PackDoubleA(a, lda, k0, depth, m0, blockRows, packedA);
                for (int p = 0; p < DoublePanels(cols); p++)
                {
                    int col = p * DoublePanel, width = Math.Min(DoublePanel, cols - col);
                    PackDoubleB(b, ldb, k0, depth, col, width, packedB);
                    for (int r = 0; r < blockRows; r += DoubleRows)
                    {
                        int height = Math.Min(DoubleRows, blockRows - r);
                        ref double pa = ref packedA[r * depth];
                        bool fromZero = overwrite && k0 == 0;
                        if (height == DoubleRows && width == DoublePanel)
                        {
                            DoubleTile(ref pa, ref MemoryMarshal.GetReference(packedB), depth, ref Unsafe.Add(ref c0, ((m0 + r) * cols) + col), cols, fromZero);
                        }
                        else
                        {
                            tile.Clear();
                            for (int i = 0; i < height && !fromZero; i++)
                            {
                                c.Slice(((m0 + r + i) * cols) + col, width).CopyTo(tile.Slice(i * DoublePanel, width));
                            }

                            DoubleTile(ref pa, ref MemoryMarshal.GetReference(packedB), depth, ref MemoryMarshal.GetReference(tile), DoublePanel, fromZero);
                            for (int i = 0; i < height; i++)
                            {
                                tile.Slice(i * DoublePanel, width).CopyTo(c.Slice(((m0 + r + i) * cols) + col, width));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs A[k0 + j, m0 + 6t + i] as double at t·6·depth + j·6 + i, zero past the last row.</summary>
    private static void PackDoubleA(ReadOnlySpan<float> a, int lda, int k0, int depth, int m0, int blockRows, Span<double> packed)
    {
        for (int t = 0; t * DoubleRows < blockRows; t++)
        {
            int first = t * DoubleRows, height = Math.Min(DoubleRows, blockRows - first);
            Span<double> dst = packed.Slice(first * depth, DoubleRows * depth);
            for (int j = 0; j < depth; j++)
            {
                ReadOnlySpan<float> src = a.Slice(((k0 + j) * lda) + m0 + first, height);
                Span<double> d = dst.Slice(j * DoubleRows, DoubleRows);
                for (int i = 0; i < height; i++)
                {
                    d[i] = src[i];
                }

                for (int i = height; i < DoubleRows; i++)
                {
                    d[i] = 0;
                }
            }
        }
    }

    /// <summary>Packs B[k0 + j, col + t] as double at j·8 + t, zero past the last column.</summary>
    private static void PackDoubleB(ReadOnlySpan<float> b, int ldb, int k0, int depth, int col, int width, Span<double> packed)
    {
        ref double d0 = ref MemoryMarshal.GetReference(packed);
        if (width == DoublePanel && Vector256.IsHardwareAccelerated)
        {
            ref float s0 = ref MemoryMarshal.GetReference(b);
            for (int j = 0; j < depth; j++)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref s0, (nuint)(((k0 + j) * ldb) + col));
                Vector256.WidenLower(v).StoreUnsafe(ref d0, (nuint)(j * DoublePanel));
                Vector256.WidenUpper(v).StoreUnsafe(ref d0, (nuint)((j * DoublePanel) + 4));
            }

            return;
        }

        for (int j = 0; j < depth; j++)
        {
            ReadOnlySpan<float> src = b.Slice(((k0 + j) * ldb) + col, width);
            for (int t = 0; t < DoublePanel; t++)
            {
                Unsafe.Add(ref d0, (j * DoublePanel) + t) = t < width ? src[t] : 0;
            }
        }
    }

    /// <summary>The 6 × 8 double tile: 12 accumulators of 4 lanes; products of floats are exact, so FMA is an exact product then one rounding.</summary>
    private static void DoubleTile(ref double a, ref double b, int depth, ref double c, int ldc, bool fromZero)
    {
        ref double r1 = ref Unsafe.Add(ref c, ldc);
        ref double r2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref double r3 = ref Unsafe.Add(ref c, 3 * ldc);
        ref double r4 = ref Unsafe.Add(ref c, 4 * ldc);
        ref double r5 = ref Unsafe.Add(ref c, 5 * ldc);
        Vector256<double> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<double> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (!fromZero)
        {
            c00 = Vector256.LoadUnsafe(ref c);
            c01 = Vector256.LoadUnsafe(ref c, 4);
            c10 = Vector256.LoadUnsafe(ref r1);
            c11 = Vector256.LoadUnsafe(ref r1, 4);
            c20 = Vector256.LoadUnsafe(ref r2);
            c21 = Vector256.LoadUnsafe(ref r2, 4);
            c30 = Vector256.LoadUnsafe(ref r3);
            c31 = Vector256.LoadUnsafe(ref r3, 4);
            c40 = Vector256.LoadUnsafe(ref r4);
            c41 = Vector256.LoadUnsafe(ref r4, 4);
            c50 = Vector256.LoadUnsafe(ref r5);
            c51 = Vector256.LoadUnsafe(ref r5, 4);
        }
        for (nuint j = 0; j < (nuint)depth; j++)
        {
            Vector256<double> b0 = Vector256.LoadUnsafe(ref b, j * DoublePanel);
            Vector256<double> b1 = Vector256.LoadUnsafe(ref b, (j * DoublePanel) + 4);
            ref double x = ref Unsafe.Add(ref a, j * DoubleRows);
            Vector256<double> v = Vector256.Create(x);
            c00 = Vector256.FusedMultiplyAdd(v, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(v, b1, c01);
            v = Vector256.Create(Unsafe.Add(ref x, 1));
            c10 = Vector256.FusedMultiplyAdd(v, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(v, b1, c11);
            v = Vector256.Create(Unsafe.Add(ref x, 2));
            c20 = Vector256.FusedMultiplyAdd(v, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(v, b1, c21);
            v = Vector256.Create(Unsafe.Add(ref x, 3));
            c30 = Vector256.FusedMultiplyAdd(v, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(v, b1, c31);
            v = Vector256.Create(Unsafe.Add(ref x, 4));
            c40 = Vector256.FusedMultiplyAdd(v, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(v, b1, c41);
            v = Vector256.Create(Unsafe.Add(ref x, 5));
            c50 = Vector256.FusedMultiplyAdd(v, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(v, b1, c51);
        }

        c00.StoreUnsafe(ref c);
        c01.StoreUnsafe(ref c, 4);
        c10.StoreUnsafe(ref r1);
        c11.StoreUnsafe(ref r1, 4);
        c20.StoreUnsafe(ref r2);
        c21.StoreUnsafe(ref r2, 4);
        c30.StoreUnsafe(ref r3);
        c31.StoreUnsafe(ref r3, 4);
        c40.StoreUnsafe(ref r4);
        c41.StoreUnsafe(ref r4, 4);
        c50.StoreUnsafe(ref r5);
        c51.StoreUnsafe(ref r5, 4);
    }
}
