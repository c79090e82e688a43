namespace GatoMesh.Tokens;

/// <summary>
/// Turns the action tokens the model sampled back into values (paper section 2.4): one token per
/// action element, in the spec's order; continuous bins decode to their bin centre through the
/// inverse mu-law, discrete ids are their values. An id outside its token's valid range, or the
/// wrong number of tokens, is an <see cref="ActionTokenException"/>: a robot never receives an
/// action the spec does not allow.
/// </summary>
public sealed class ActionDecoder(EmbodimentSpec spec, TokenSpace space)
{
    readonly ContinuousTokenizer continuous = new(space);

    public ActionValues Decode(ReadOnlySpan<int> ids)
    {
        if (ids.Length != spec.ActionTokenCount)
            throw new ActionTokenException("action", $"{ids.Length} tokens", $"the spec '{spec.Name}' has {spec.ActionTokenCount} action tokens");
        var action = new ActionValues();
        var next = 0;
        foreach (var field in spec.Action)
        {
            var name = $"action.{field.Key}";
            if (field.Kind == FieldKind.Continuous)
            {
                var values = new float[field.ElementCount];
                for (var i = 0; i < values.Length; i++)
                    values[i] = continuous.Decode(ids[next++], name, i);
                action.SetContinuous(field.Key, values);
            }
            else
            {
                var values = new int[field.ElementCount];
                for (var i = 0; i < values.Length; i++)
                    values[i] = DiscreteTokenizer.Decode(ids[next++], field.Low, field.High, name, i);
                action.SetDiscrete(field.Key, values);
            }
        }
        return action;
    }
}
