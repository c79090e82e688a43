using GatoMesh.Data;
using GatoMesh.Protos.V1;
using GatoMesh.Tokens;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace GatoMesh.Client;

/// <summary>
/// The one mapping between an environment's values (<see cref="FieldValues"/>, as environments, shards
/// and policies hold them) and the wire (gateway.proto's <see cref="Field"/> maps). An observation goes
/// out with exactly the spec's fields in the spec's kinds (images with the spec's shape), so the session
/// encodes what training encoded from the same values; an action comes back as the kinds the wire
/// carries. What the values mean (shapes, ranges) is the session's to judge; what the wire cannot carry
/// is an <see cref="InvalidValueException"/> or <see cref="Tokens.MissingFieldException"/> naming the field.
/// </summary>
internal static class WireValues
{
    public static void ToWire(EmbodimentSpec spec, FieldValues values, MapField<string, Field> into, string path = "observation")
    {
        foreach (var field in spec.Observation)
            into[field.Key] = Named($"{path}.{field.Key}", () => field.Kind switch
            {
                FieldKind.Text => new Field { Text = values.GetText(field.Key) },
                FieldKind.Image => new Field
                {
                    Image = new Image
                    {
                        Height = (uint)field.Shape[0],
                        Width = (uint)field.Shape[1],
                        Channels = (uint)field.Shape[2],
                        Pixels = ByteString.CopyFrom(values.GetImage(field.Key)),
                    },
                },
                FieldKind.Continuous => new Field { Continuous = new FloatTensor { Values = { values.GetContinuous(field.Key) } } },
                _ => new Field { Discrete = new IntTensor { Values = { values.GetDiscrete(field.Key) } } },
            });
        foreach (var key in values.Keys)
            if (!spec.TryGetObservationField(key, out _))
                throw new UnknownFieldException($"{path}.{key}", string.Join(", ", spec.Observation.Select(f => f.Key)));
    }

    /// <summary>A value's mapping, its failure named by the field's full path (e.g. <c>observation.camera</c>).</summary>
    private static Field Named(string path, Func<Field> map)
    {
        try
        {
            return map();
        }
        catch (Tokens.MissingFieldException)
        {
            throw new Tokens.MissingFieldException(path);
        }
        catch (InvalidValueException e)
        {
            throw new InvalidValueException(path, e.Value, e.Problem);
        }
    }

    /// <summary>An action (of a prompt timestep) as the wire carries it: the spec's action fields.</summary>
    public static void ActionToWire(EmbodimentSpec spec, FieldValues values, MapField<string, Field> into)
    {
        foreach (var field in spec.Action)
            into[field.Key] = field.Kind == FieldKind.Continuous
                ? new Field { Continuous = new FloatTensor { Values = { values.GetContinuous(field.Key) } } }
                : new Field { Discrete = new IntTensor { Values = { values.GetDiscrete(field.Key) } } };
    }

    /// <summary>The values a reply carries (an action: continuous and discrete tensors).</summary>
    public static FieldValues FromWire(MapField<string, Field> fields, string path)
    {
        var values = new FieldValues();
        foreach (var (key, field) in fields)
            _ = field.KindCase switch
            {
                Field.KindOneofCase.Continuous => values.SetContinuous(key, [.. field.Continuous.Values]),
                Field.KindOneofCase.Discrete => values.SetDiscrete(key, [.. field.Discrete.Values]),
                Field.KindOneofCase.Text => values.SetText(key, field.Text),
                Field.KindOneofCase.Image => values.SetImage(key, field.Image.Pixels.ToByteArray()),
                _ => throw new InvalidValueException($"{path}.{key}", null, "has no kind set (one of text, image, continuous, discrete)"),
            };
        return values;
    }
}
