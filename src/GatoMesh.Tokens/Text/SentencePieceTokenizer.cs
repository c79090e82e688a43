using System.Text;

namespace GatoMesh.Tokens;

/// <summary>
/// Text to ids <c>[0, V)</c> with a SentencePiece model (the tokenizer Gato used; paper section 2.1),
/// through Debian's libsentencepiece. V is the model's vocabulary size. Safe to share between
/// threads for encoding and decoding (SentencePieceProcessor's const methods are thread-safe).
/// </summary>
public sealed class SentencePieceTokenizer : IDisposable
{
    readonly SentencePieceHandle handle;

    SentencePieceTokenizer(SentencePieceHandle handle, string modelPath)
    {
        this.handle = handle;
        ModelPath = modelPath;
        VocabSize = SentencePieceNative.VocabSize(handle);
    }

    /// <summary>Loads a <c>.model</c> file written by <see cref="SentencePieceTrainer"/> or spm_train.</summary>
    public static SentencePieceTokenizer Load(string modelPath)
    {
        var handle = SentencePieceNative.Load(modelPath);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new SentencePieceException($"cannot load '{modelPath}': {SentencePieceNative.LastError}");
        }
        return new SentencePieceTokenizer(handle, modelPath);
    }

    public string ModelPath { get; }

    /// <summary>V: the model's pieces, so its ids are <c>[0, V)</c>.</summary>
    public int VocabSize { get; }

    /// <summary>The ids of <paramref name="text"/>.</summary>
    public int[] Encode(string text)
    {
        var ids = new int[Math.Max(16, text.Length + 2)];
        var count = Encode(text, ref ids);
        return ids.AsSpan(0, count).ToArray();
    }

    /// <summary>Encodes into <paramref name="ids"/>, growing it when too small; returns the count. Lets
    /// a hot path reuse one buffer.</summary>
    public unsafe int Encode(string text, ref int[] ids)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        fixed (byte* bytes = utf8)
        {
            while (true)
            {
                int count;
                fixed (int* output = ids)
                    count = SentencePieceNative.Encode(handle, bytes, utf8.Length, output, ids.Length);
                if (count < 0)
                    throw new SentencePieceException(SentencePieceNative.LastError);
                if (count <= ids.Length)
                    return count;
                ids = new int[count];
            }
        }
    }

    /// <summary>The text of <paramref name="ids"/>; an id outside <c>[0, V)</c> is an error.</summary>
    public unsafe string Decode(ReadOnlySpan<int> ids)
    {
        var buffer = new byte[Math.Max(64, ids.Length * 8)];
        fixed (int* input = ids)
        {
            while (true)
            {
                int length;
                fixed (byte* output = buffer)
                    length = SentencePieceNative.Decode(handle, input, ids.Length, output, buffer.Length);
                if (length < 0)
                    throw new SentencePieceException(SentencePieceNative.LastError);
                if (length <= buffer.Length)
                    return Encoding.UTF8.GetString(buffer, 0, length);
                buffer = new byte[length];
            }
        }
    }

    public void Dispose() => handle.Dispose();
}
