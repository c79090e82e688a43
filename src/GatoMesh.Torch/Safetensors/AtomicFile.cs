using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Safetensors;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old file or the complete new one,
/// never a torn mix: write a temporary file in the same folder, fsync it, rename it over the target
/// (rename(2) is atomic within a file system), then fsync the folder so the rename itself is durable.
/// Checkpoints rely on this (docs/SAFETENSORS.md, "Crash-safe writes").
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(temporary)) File.Delete(temporary);
            throw;
        }
        SyncFolder(folder);
    }

    private static void SyncFolder(string folder)
    {
        // .NET cannot open a directory as a stream; fsync needs its descriptor.
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open folder '{folder}' to make a rename durable (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync of folder '{folder}' failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
