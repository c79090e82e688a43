using GatoMesh.Grains;
using GatoMesh.Protos;
using GatoMesh.Protos.V1;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace GatoMesh.Gateway;

/// <summary>
/// Wire messages (gateway.proto) to and from the grain messages (GatoMesh.Grains.Abstractions): the
/// gateway's side of the protocol (the .NET client maps the wire to environment values, in
/// clients/GatoMesh.Client). Reading from the
/// wire checks only what the wire itself can get wrong (a field with no kind, an integer out of range);
/// what a value means (kind and shape against the spec, NaN) is the session's to judge.
/// </summary>
internal static class WireMapping
{
    public static Field ToWire(FieldValue value)
    {
        if (value.Text is not null) return new Field { Text = value.Text };
        if (value.Image is { } image)
            return new Field
            {
                Image = new Image
                {
                    Height = checked((uint)image.Height),
                    Width = checked((uint)image.Width),
                    Channels = checked((uint)image.Channels),
                    Pixels = ByteString.CopyFrom(image.Pixels),
                },
            };
        if (value.Continuous is not null) return new Field { Continuous = new FloatTensor { Values = { value.Continuous } } };
        if (value.Discrete is not null) return new Field { Discrete = new IntTensor { Values = { value.Discrete } } };
        return new Field();
    }

    public static void ToWire(IReadOnlyDictionary<string, FieldValue> fields, MapField<string, Field> into)
    {
        foreach (var (key, value) in fields) into[key] = ToWire(value);
    }

    /// <param name="path">Dotted path of the field, for the error (e.g. <c>observation.camera</c>).</param>
    public static FieldValue FromWire(Field field, string path) => field.KindCase switch
    {
        Field.KindOneofCase.Text => FieldValue.OfText(field.Text),
        Field.KindOneofCase.Image => FieldValue.OfImage(field.Image.Pixels.ToByteArray(),
            ImageDimension(field.Image.Height, path + ".height"),
            ImageDimension(field.Image.Width, path + ".width"),
            ImageDimension(field.Image.Channels, path + ".channels")),
        Field.KindOneofCase.Continuous => FieldValue.OfContinuous(field.Continuous.Values.ToArray()),
        Field.KindOneofCase.Discrete => FieldValue.OfDiscrete(field.Discrete.Values.ToArray()),
        _ => throw new WireFormatException(path, "has no kind set (one of text, image, continuous, discrete)"),
    };

    public static Dictionary<string, FieldValue> FromWire(MapField<string, Field> fields, string path)
    {
        var result = new Dictionary<string, FieldValue>(fields.Count, StringComparer.Ordinal);
        foreach (var (key, value) in fields) result[key] = FromWire(value, $"{path}.{key}");
        return result;
    }

    private static int ImageDimension(uint value, string path) => value <= int.MaxValue
        ? (int)value
        : throw new WireFormatException(path, $"is {value}, above {int.MaxValue}");

    /// <summary>A wire sequence number as the grain's (signed) one.</summary>
    public static long Sequence(ulong value, string path) => value switch
    {
        0 => throw new WireFormatException(path, "is 0; sequence numbers start at 1"),
        > long.MaxValue => throw new WireFormatException(path, $"is {value}, above {long.MaxValue}"),
        _ => (long)value,
    };

    public static Error ToWire(SessionError error) => new()
    {
        Code = (Protos.V1.ErrorCode)(int)error.Code,
        Field = error.Field,
        Message = error.Message,
    };

    public static Grains.PromptTimestep FromWire(Protos.V1.PromptTimestep timestep, string path) =>
        new(FromWire(timestep.Observation, path + ".observation"), FromWire(timestep.Action, path + ".action"));

    /// <summary>A successful step reply (the caller sends <see cref="SessionError"/>s as <see cref="Error"/>).</summary>
    public static StepResult ToWire(StepReply reply, string sessionId)
    {
        var wire = new StepResult
        {
            SessionId = sessionId,
            Sequence = (ulong)reply.Sequence,
            Timestep = (ulong)reply.Timestep,
            ModelVersion = reply.ModelVersion,
            Recomputed = reply.Recomputed,
        };
        ToWire(reply.Action, wire.Action);
        wire.ActionTokens.AddRange(reply.ActionTokens);
        return wire;
    }

    /// <param name="sessionId">The id the client knows (the reply's <see cref="SessionReply.Session"/> may
    /// be the fleet-qualified grain key, which stays inside the cluster).</param>
    public static SessionInfo ToWire(SessionReply reply, string sessionId) => new()
    {
        SessionId = sessionId,
        SpecJson = reply.Spec,
        Open = reply.Open,
        Sequence = (ulong)reply.Sequence,
        Episode = (ulong)reply.Episode,
        NextTimestep = (ulong)reply.NextTimestep,
        PromptTokens = (uint)Math.Max(0, reply.PromptTokens),
    };
}
