using static GatoMesh.Torch.Native.TorchNative;

namespace GatoMesh.Torch;

/// <summary>Elementwise comparisons, numbered as native/torch/ops.cpp's gm_compare expects.</summary>
internal enum Comparison { Eq = 0, Ne = 1, Lt = 2, Le = 3, Gt = 4, Ge = 5 }

// Arithmetic (with broadcasting and PyTorch's type promotion), products, elementwise math,
// comparisons and reductions. Scalars given as long stay integral (int64 + 1 is int64), as in PyTorch.
public sealed partial class Tensor
{
    // ---- arithmetic --------------------------------------------------------------------------

    /// <summary>this + alpha * other.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => new(gm_add(Handle, Arg(other), alpha));
    /// <summary>this - alpha * other.</summary>
    public Tensor Sub(Tensor other, double alpha = 1) => new(gm_sub(Handle, Arg(other), alpha));
    public Tensor Mul(Tensor other) => new(gm_mul(Handle, Arg(other)));
    /// <summary>True division (integer tensors give floating results).</summary>
    public Tensor Div(Tensor other) => new(gm_div(Handle, Arg(other)));
    public Tensor Pow(Tensor exponent) => new(gm_pow(Handle, Arg(exponent)));
    public Tensor Pow(double exponent) => new(gm_pow_scalar(Handle, exponent, Floating));
    public Tensor Neg() => new(gm_neg(Handle));

    public static Tensor operator +(Tensor a, Tensor b) => new(gm_add(Arg(a), Arg(b), 1));
    public static Tensor operator -(Tensor a, Tensor b) => new(gm_sub(Arg(a), Arg(b), 1));
    public static Tensor operator *(Tensor a, Tensor b) => new(gm_mul(Arg(a), Arg(b)));
    public static Tensor operator /(Tensor a, Tensor b) => new(gm_div(Arg(a), Arg(b)));
    public static Tensor operator -(Tensor a) => new(gm_neg(Arg(a)));

    public static Tensor operator +(Tensor a, double b) => new(gm_add_scalar(Arg(a), b, Floating));
    public static Tensor operator +(Tensor a, long b) => new(gm_add_scalar(Arg(a), b, Integral));
    public static Tensor operator +(double a, Tensor b) => new(gm_add_scalar(Arg(b), a, Floating));
    public static Tensor operator +(long a, Tensor b) => new(gm_add_scalar(Arg(b), a, Integral));
    public static Tensor operator -(Tensor a, double b) => new(gm_sub_scalar(Arg(a), b, Floating));
    public static Tensor operator -(Tensor a, long b) => new(gm_sub_scalar(Arg(a), b, Integral));
    public static Tensor operator -(double a, Tensor b) => new(gm_rsub_scalar(Arg(b), a, Floating));
    public static Tensor operator -(long a, Tensor b) => new(gm_rsub_scalar(Arg(b), a, Integral));
    public static Tensor operator *(Tensor a, double b) => new(gm_mul_scalar(Arg(a), b, Floating));
    public static Tensor operator *(Tensor a, long b) => new(gm_mul_scalar(Arg(a), b, Integral));
    public static Tensor operator *(double a, Tensor b) => new(gm_mul_scalar(Arg(b), a, Floating));
    public static Tensor operator *(long a, Tensor b) => new(gm_mul_scalar(Arg(b), a, Integral));
    public static Tensor operator /(Tensor a, double b) => new(gm_div_scalar(Arg(a), b, Floating));
    public static Tensor operator /(Tensor a, long b) => new(gm_div_scalar(Arg(a), b, Integral));
    public static Tensor operator /(double a, Tensor b) => new(gm_rdiv_scalar(Arg(b), a, Floating));
    public static Tensor operator /(long a, Tensor b) => new(gm_rdiv_scalar(Arg(b), a, Integral));

    // ---- in place (these bump the version counter; autograd refuses them on tensors it still needs) --

    /// <summary>this += alpha * other; returns this.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        Check(gm_add_(Handle, Arg(other), alpha));
        return this;
    }

    public Tensor AddInPlace(double value)
    {
        Check(gm_add_scalar_(Handle, value, Floating));
        return this;
    }

    public Tensor MulInPlace(Tensor other)
    {
        Check(gm_mul_(Handle, Arg(other)));
        return this;
    }

    public Tensor MulInPlace(double value)
    {
        Check(gm_mul_scalar_(Handle, value, Floating));
        return this;
    }

    /// <summary>Copies <paramref name="source"/>'s values (broadcast, converted) into this tensor; returns this.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        Check(gm_copy_(Handle, Arg(source)));
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>; returns this.</summary>
    public Tensor Fill(double value)
    {
        Check(gm_fill_(Handle, value, Floating));
        return this;
    }

    // ---- products ----------------------------------------------------------------------------

    /// <summary>torch.matmul: vector, matrix and batched products with broadcasting.</summary>
    public Tensor MatMul(Tensor other) => new(gm_matmul(Handle, Arg(other)));
    /// <summary>[B, N, M] x [B, M, P] -> [B, N, P].</summary>
    public Tensor Bmm(Tensor other) => new(gm_bmm(Handle, Arg(other)));
    /// <summary>beta * this + alpha * (a bmm b).</summary>
    public Tensor Baddbmm(Tensor a, Tensor b, double beta = 1, double alpha = 1) => new(gm_baddbmm(Handle, Arg(a), Arg(b), beta, alpha));

    // ---- elementwise math --------------------------------------------------------------------

    public Tensor Exp() => new(gm_exp(Handle));
    public Tensor Log() => new(gm_log(Handle));
    public Tensor Sqrt() => new(gm_sqrt(Handle));
    public Tensor Rsqrt() => new(gm_rsqrt(Handle));
    public Tensor Tanh() => new(gm_tanh(Handle));
    public Tensor Sigmoid() => new(gm_sigmoid(Handle));
    public Tensor Abs() => new(gm_abs(Handle));
    public Tensor Floor() => new(gm_floor(Handle));

    /// <summary>Clamps into [min, max]; either bound may be left out.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("give at least one of min and max", nameof(min));
        return new(gm_clamp(Handle, min ?? 0, min.HasValue ? 1 : 0, max ?? 0, max.HasValue ? 1 : 0));
    }

    // ---- comparisons and selection (results are Bool tensors) --------------------------------

    public Tensor Eq(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Eq));
    public Tensor Ne(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Ne));
    public Tensor Lt(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Lt));
    public Tensor Le(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Le));
    public Tensor Gt(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Gt));
    public Tensor Ge(Tensor other) => new(gm_compare(Handle, Arg(other), (int)Comparison.Ge));
    public Tensor Eq(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Eq));
    public Tensor Ne(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Ne));
    public Tensor Lt(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Lt));
    public Tensor Le(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Le));
    public Tensor Gt(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Gt));
    public Tensor Ge(double value) => new(gm_compare_scalar(Handle, value, Floating, (int)Comparison.Ge));
    public Tensor LogicalNot() => new(gm_logical_not(Handle));

    /// <summary>|this - other| &lt;= atol + rtol * |other| everywhere (torch.allclose).</summary>
    public unsafe bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        int result;
        Check(gm_allclose(Handle, Arg(other), rtol, atol, &result));
        return result != 0;
    }

    /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> (Bool, broadcast) is true.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => new(gm_masked_fill(Handle, Arg(mask), value, Floating));

    /// <summary>Elementwise <paramref name="whenTrue"/> where <paramref name="condition"/> holds, else <paramref name="whenFalse"/>.</summary>
    public static Tensor Where(Tensor condition, Tensor whenTrue, Tensor whenFalse) =>
        new(gm_where(Arg(condition), Arg(whenTrue), Arg(whenFalse)));

    /// <summary>The upper triangle (elements with column - row &gt;= diagonal); the rest zero.</summary>
    public Tensor Triu(long diagonal = 0) => new(gm_triu(Handle, diagonal));
    /// <summary>The lower triangle (elements with column - row &lt;= diagonal); the rest zero.</summary>
    public Tensor Tril(long diagonal = 0) => new(gm_tril(Handle, diagonal));

    // ---- reductions --------------------------------------------------------------------------

    public Tensor Sum() => new(gm_sum(Handle));
    public Tensor Sum(long dim, bool keepDim = false) => new(gm_sum_dim(Handle, dim, keepDim ? 1 : 0));
    public Tensor Mean() => new(gm_mean(Handle));
    public Tensor Mean(long dim, bool keepDim = false) => new(gm_mean_dim(Handle, dim, keepDim ? 1 : 0));
    public Tensor Max() => new(gm_max(Handle));

    /// <summary>The maxima along <paramref name="dim"/> and where they are.</summary>
    public (Tensor Values, Tensor Indices) Max(long dim, bool keepDim = false)
    {
        Check(gm_max_dim(Handle, dim, keepDim ? 1 : 0, out var values, out var indices));
        return (new Tensor(values), new Tensor(indices));
    }

    /// <summary>The index of the maximum over all elements (flattened).</summary>
    /// <summary>Running sums along <paramref name="dim"/>.</summary>
    public Tensor CumSum(long dim) => new(gm_cumsum(Handle, dim));

    public Tensor ArgMax() => new(gm_argmax(Handle, 0, 0, 0));
    public Tensor ArgMax(long dim, bool keepDim = false) => new(gm_argmax(Handle, dim, 1, keepDim ? 1 : 0));
}
