using GatoMesh.Data;
using GatoMesh.Tokens;

namespace GatoMesh.Envs;

/// <summary>
/// The paper's random baseline (GATO.md, "Evaluation"): each action value uniform over its valid
/// set, discrete values in the field's range, continuous values in the actuators' [-1, 1].
/// </summary>
public sealed class RandomPolicy(EmbodimentSpec spec) : IPolicy
{
    SeededRandom random = new(0);

    // Distinct from the environment's stream for the same seed.
    public void Reset(ulong seed) => random = SeededRandom.For(seed, 0x5EED);

    public ActionValues Act(FieldValues observation)
    {
        var action = new ActionValues();
        foreach (var field in spec.Action)
        {
            if (field.Kind == FieldKind.Discrete)
            {
                var values = new int[field.ElementCount];
                for (var i = 0; i < values.Length; i++)
                    values[i] = field.Low + random.NextInt(field.High - field.Low);
                action.SetDiscrete(field.Key, values);
            }
            else
            {
                var values = new float[field.ElementCount];
                for (var i = 0; i < values.Length; i++)
                    values[i] = (float)(2 * random.NextDouble() - 1);
                action.SetContinuous(field.Key, values);
            }
        }
        return action;
    }
}
