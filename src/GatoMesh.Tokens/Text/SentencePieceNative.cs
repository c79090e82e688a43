using System.Runtime.InteropServices;

namespace GatoMesh.Tokens;

/// <summary>The C ABI of libgatomesh_sentencepiece (native/sentencepiece/shim.h). Failures return
/// nullptr or -1 and leave a message in <see cref="LastError"/>.</summary>
internal static partial class SentencePieceNative
{
    const string Library = "libgatomesh_sentencepiece";

    [LibraryImport(Library, EntryPoint = "gm_spm_last_error")]
    private static partial IntPtr LastErrorPointer();

    [LibraryImport(Library, EntryPoint = "gm_spm_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SentencePieceHandle Load(string modelPath);

    [LibraryImport(Library, EntryPoint = "gm_spm_free")]
    internal static partial void Free(IntPtr processor);

    [LibraryImport(Library, EntryPoint = "gm_spm_vocab_size")]
    internal static partial int VocabSize(SentencePieceHandle processor);

    [LibraryImport(Library, EntryPoint = "gm_spm_encode")]
    internal static unsafe partial int Encode(SentencePieceHandle processor, byte* utf8, int length, int* ids, int capacity);

    [LibraryImport(Library, EntryPoint = "gm_spm_decode")]
    internal static unsafe partial int Decode(SentencePieceHandle processor, int* ids, int count, byte* utf8, int capacity);

    [LibraryImport(Library, EntryPoint = "gm_spm_train", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Train(string args, uint seed);

    /// <summary>The message of this thread's last failed call.</summary>
    internal static string LastError => Marshal.PtrToStringUTF8(LastErrorPointer()) ?? "unknown SentencePiece error";
}

/// <summary>Owns one native SentencePieceProcessor; released exactly once, even when leaked to the
/// finalizer.</summary>
internal sealed class SentencePieceHandle : SafeHandle
{
    public SentencePieceHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        SentencePieceNative.Free(handle);
        return true;
    }
}

/// <summary>A failure inside SentencePiece (unreadable model, bad training flags), with the
/// library's own message.</summary>
public sealed class SentencePieceException(string message) : Exception(message);
