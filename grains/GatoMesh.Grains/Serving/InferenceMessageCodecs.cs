using System.Buffers;
using GatoMesh.Model.Engine;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace GatoMesh.Grains.Serving;

/// <summary>
/// How the inference grain's messages (the token tensors of a whole context, on every step) cross a grain
/// call: by reference. Orleans copies the arguments and results of a call within a silo, to keep the caller
/// from changing them under the callee; these messages are never changed after they are built, so the copy
/// is the message itself. They never leave their silo (the inference grain is a stateless worker, always
/// the caller's): the codec half exists because Orleans requires one of every type in a grain interface,
/// and it refuses, naming the type, if anything ever tries to send one.
/// </summary>
internal abstract class LocalOnlyMessageCodec<T> : IFieldCodec<T>, IDeepCopier<T> where T : class
{
    public T DeepCopy(T? input, CopyContext context) => input!;

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, T? value)
        where TBufferWriter : IBufferWriter<byte> => throw Refusal();

    public T ReadValue<TInput>(ref Reader<TInput> reader, Field field) => throw Refusal();

    private static NotSupportedException Refusal() =>
        new($"{typeof(T).Name} is an inference grain message: it is passed within its silo by reference and is never serialized");
}

[RegisterSerializer, RegisterCopier]
internal sealed class ActRequestCodec : LocalOnlyMessageCodec<ActRequest>;

[RegisterSerializer, RegisterCopier]
internal sealed class InferenceReplyCodec : LocalOnlyMessageCodec<InferenceReply>;
