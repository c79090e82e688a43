using System.Runtime.InteropServices;

namespace GatoMesh.Model;

/// <summary>fsync of a folder, so a rename inside it (a checkpoint folder moved into place) is on disk
/// before anything that names the new entry (the <c>latest</c> pointer) is written.</summary>
internal static class FolderSync
{
    public static void Flush(string folder)
    {
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

    [DllImport("libc", SetLastError = true)]
    static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int fsync(int fd);

    [DllImport("libc")]
    static extern int close(int fd);
}
