using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GatoMesh.Torch.Native;

/// <summary>
/// Finds libgatomesh_torch.so: next to the assembly (copied there by the build), in
/// $GATOMESH_NATIVE_DIR (a GPU host carrying a shim built against its own libtorch), or in the
/// repository's native/build/lib (a checkout where the managed build ran before the native one).
/// </summary>
internal static class NativeLibraryResolver
{
    [ModuleInitializer]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (!name.StartsWith("gatomesh_", StringComparison.Ordinal)) return IntPtr.Zero;
        var file = $"lib{name}.so";
        foreach (var dir in Candidates())
        {
            var candidate = Path.Combine(dir, file);
            if (File.Exists(candidate)) return NativeLibrary.Load(candidate);
        }
        throw new DllNotFoundException(
            $"{file} not found (looked in the assembly folder, $GATOMESH_NATIVE_DIR and native/build/lib); run build/setup.sh native");
    }

    private static IEnumerable<string> Candidates()
    {
        var env = Environment.GetEnvironmentVariable("GATOMESH_NATIVE_DIR");
        if (!string.IsNullOrEmpty(env)) yield return env;
        yield return AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            yield return Path.Combine(dir.FullName, "native", "build", "lib");
    }
}
