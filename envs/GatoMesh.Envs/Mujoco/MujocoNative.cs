using System.Runtime.InteropServices;

namespace GatoMesh.Envs;

/// <summary>The C ABI of libgatomesh_mujoco (native/mujoco/shim.h). Failures return nullptr or -1
/// and leave a message in <see cref="LastError"/>.</summary>
internal static unsafe partial class MujocoNative
{
    const string Library = "libgatomesh_mujoco";

    [LibraryImport(Library, EntryPoint = "gm_mj_last_error")]
    private static partial IntPtr LastErrorPointer();

    [LibraryImport(Library, EntryPoint = "gm_mj_load_xml_string", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial MujocoHandle LoadXmlString(string xml);

    [LibraryImport(Library, EntryPoint = "gm_mj_load_xml_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial MujocoHandle LoadXmlFile(string path);

    [LibraryImport(Library, EntryPoint = "gm_mj_free")]
    internal static partial void Free(IntPtr simulation);

    [LibraryImport(Library, EntryPoint = "gm_mj_size")]
    internal static partial int Size(MujocoHandle simulation, int which);

    [LibraryImport(Library, EntryPoint = "gm_mj_timestep")]
    internal static partial double Timestep(MujocoHandle simulation);

    [LibraryImport(Library, EntryPoint = "gm_mj_time")]
    internal static partial double Time(MujocoHandle simulation);

    [LibraryImport(Library, EntryPoint = "gm_mj_reset")]
    internal static partial int Reset(MujocoHandle simulation);

    [LibraryImport(Library, EntryPoint = "gm_mj_set_state")]
    internal static partial int SetState(MujocoHandle simulation, double* qpos, int nq, double* qvel, int nv);

    [LibraryImport(Library, EntryPoint = "gm_mj_set_ctrl")]
    internal static partial int SetCtrl(MujocoHandle simulation, double* ctrl, int nu);

    [LibraryImport(Library, EntryPoint = "gm_mj_step")]
    internal static partial int Step(MujocoHandle simulation, int substeps);

    [LibraryImport(Library, EntryPoint = "gm_mj_qpos")]
    internal static partial int Qpos(MujocoHandle simulation, double* output, int capacity);

    [LibraryImport(Library, EntryPoint = "gm_mj_qvel")]
    internal static partial int Qvel(MujocoHandle simulation, double* output, int capacity);

    [LibraryImport(Library, EntryPoint = "gm_mj_sensordata")]
    internal static partial int SensorData(MujocoHandle simulation, double* output, int capacity);

    /// <summary>The message of this thread's last failed call, on one line (MuJoCo's parser
    /// messages span several, and the CLI reports an error as one line).</summary>
    internal static string LastError => string.Join(" ",
        (Marshal.PtrToStringUTF8(LastErrorPointer()) ?? "unknown MuJoCo error").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>Owns one native simulation (mjModel + mjData); released exactly once.</summary>
internal sealed class MujocoHandle : SafeHandle
{
    public MujocoHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        MujocoNative.Free(handle);
        return true;
    }
}

/// <summary>A failure inside MuJoCo (an MJCF that does not load, a diverged simulation), with the
/// library's own message.</summary>
public sealed class MujocoException(string message) : Exception(message);
