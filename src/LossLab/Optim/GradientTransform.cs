using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>What a transform knows about the update being computed.</summary>
/// <param name="Step">The number of updates already applied (0 for the first); PyTorch's t is <c>Step + 1</c>.</param>
public readonly record struct StepContext(long Step)
{
    /// <summary>PyTorch's 1-based step count t.</summary>
    public long T => Step + 1;
}

/// <summary>
/// An immutable rule that turns a gradient into an update (optax's <c>GradientTransformation</c>, Optimisers.jl's rule):
/// hyper-parameters live in the record, the per-parameter buffers in the <see cref="TransformState"/> it creates.
/// Optimizers are chains of transforms; <c>rule with { … }</c> gives a variant for a sweep.
/// </summary>
public abstract record GradientTransform
{
    /// <summary>Creates the state (moment buffers and the like) for <paramref name="parameterCount"/> parameters.</summary>
    public abstract TransformState CreateState(int parameterCount);

    /// <summary>
    /// Whether each entry's update depends only on that entry's gradient, parameter and state (true for every rule but
    /// a clip by global norm). An element-wise rule run on the concatenated parameters of several models updates each
    /// exactly as it would alone, so a batch of models can share one optimizer.
    /// </summary>
    public virtual bool IsElementwise => true;
}

/// <summary>The mutable state of one transform for one parameter vector. Updating allocates nothing.</summary>
public abstract class TransformState
{
    /// <summary>Transforms <paramref name="updates"/> in place (on entry the incoming gradient or update).</summary>
    public abstract void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context);

    /// <summary>
    /// <see cref="Update"/> on the optimizer's own update array, which (unlike a span) another thread may read: an
    /// element-wise rule may split it in parameter ranges (<see cref="Models.IntraOp"/>) with the same bits.
    /// </summary>
    internal virtual void UpdateArray(float[] updates, ReadOnlySpan<float> parameters, in StepContext context)
        => Update(updates, parameters, context);
}

/// <summary>A transform with no per-parameter buffers.</summary>
public abstract record StatelessTransform : GradientTransform
{
    /// <inheritdoc/>
    public sealed override TransformState CreateState(int parameterCount) => new State(this);

    /// <summary>Transforms <paramref name="updates"/> in place.</summary>
    public abstract void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context);

    private sealed class State(StatelessTransform rule) : TransformState
    {
        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
            => rule.Apply(updates, parameters, context);
    }
}

/// <summary>Transforms applied one after the other: <c>chain(clip, scale_by_adam, scale_by_learning_rate)</c>.</summary>
/// <param name="Transforms">The transforms, in order.</param>
public sealed record Chain(IReadOnlyList<GradientTransform> Transforms) : GradientTransform
{
    /// <summary>Chains the given transforms.</summary>
    public Chain(params GradientTransform[] transforms)
        : this((IReadOnlyList<GradientTransform>)transforms)
    {
    }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount)
        => new State(Transforms.Select(t => t.CreateState(parameterCount)).ToArray());

    /// <summary>Element-wise when every transform is.</summary>
    public override bool IsElementwise => Transforms.All(t => t.IsElementwise);

    /// <summary>Equal when the transforms are equal, in order.</summary>
    public bool Equals(Chain? other) => other is not null && Transforms.SequenceEqual(other.Transforms);

    /// <inheritdoc/>
    public override int GetHashCode() => Transforms.Aggregate(17, (h, t) => HashCode.Combine(h, t));

    /// <summary>The transforms, for printing.</summary>
    public override string ToString() => "chain(" + string.Join(", ", Transforms) + ")";

    private sealed class State(TransformState[] states) : TransformState
    {
        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            foreach (TransformState s in states)
            {
                s.Update(updates, parameters, context);
            }
        }

        internal override void UpdateArray(float[] updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            foreach (TransformState s in states)
            {
                s.UpdateArray(updates, parameters, context);
            }
        }
    }
}

/// <summary>u ← −η(t)·u: the learning rate, from a schedule (the last link of most chains).</summary>
/// <param name="LearningRate">The schedule η(t).</param>
public sealed record ScaleByLearningRate(Schedule LearningRate) : StatelessTransform
{
    /// <inheritdoc/>
    public override void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        => System.Numerics.Tensors.TensorPrimitives.Multiply(updates, (float)-LearningRate.At(context.Step), updates);
}
