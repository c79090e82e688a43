namespace GatoMesh.Envs;

/// <summary>
/// One MuJoCo model and its state, through libgatomesh_mujoco: load an MJCF, set the state and the
/// controls, step, read positions, velocities and sensors. Not thread-safe (MuJoCo's mjData is
/// not); one per environment.
/// </summary>
public sealed unsafe class MujocoSimulation : IDisposable
{
    readonly MujocoHandle handle;

    MujocoSimulation(MujocoHandle handle)
    {
        if (handle.IsInvalid)
        {
            var message = MujocoNative.LastError;
            handle.Dispose();
            throw new MujocoException(message);
        }
        this.handle = handle;
        PositionCount = Checked(MujocoNative.Size(handle, 0));
        VelocityCount = Checked(MujocoNative.Size(handle, 1));
        ControlCount = Checked(MujocoNative.Size(handle, 2));
        SensorCount = Checked(MujocoNative.Size(handle, 3));
        Timestep = MujocoNative.Timestep(handle);
    }

    /// <summary>Loads an MJCF model from its XML text; a bad model is a <see cref="MujocoException"/>
    /// carrying MuJoCo's parser message.</summary>
    public static MujocoSimulation FromXml(string xml) => new(MujocoNative.LoadXmlString(xml));

    public static MujocoSimulation FromFile(string path) => new(MujocoNative.LoadXmlFile(path));

    /// <summary>nq: generalized positions.</summary>
    public int PositionCount { get; }
    /// <summary>nv: generalized velocities.</summary>
    public int VelocityCount { get; }
    /// <summary>nu: actuators.</summary>
    public int ControlCount { get; }
    /// <summary>nsensordata: sensor values.</summary>
    public int SensorCount { get; }
    /// <summary>Seconds of one physics step.</summary>
    public double Timestep { get; }
    public double Time => MujocoNative.Time(handle);

    /// <summary>The model's initial state, zero velocities and controls.</summary>
    public void Reset() => Checked(MujocoNative.Reset(handle));

    public void SetState(ReadOnlySpan<double> qpos, ReadOnlySpan<double> qvel)
    {
        fixed (double* p = qpos)
        fixed (double* v = qvel)
            Checked(MujocoNative.SetState(handle, p, qpos.Length, v, qvel.Length));
    }

    public void SetControls(ReadOnlySpan<double> ctrl)
    {
        fixed (double* c = ctrl)
            Checked(MujocoNative.SetCtrl(handle, c, ctrl.Length));
    }

    /// <summary>Advances <paramref name="substeps"/> physics steps under the current controls.</summary>
    public void Step(int substeps) => Checked(MujocoNative.Step(handle, substeps));

    public double[] Positions()
    {
        var values = new double[PositionCount];
        fixed (double* p = values)
            Checked(MujocoNative.Qpos(handle, p, values.Length));
        return values;
    }

    public double[] Velocities()
    {
        var values = new double[VelocityCount];
        fixed (double* p = values)
            Checked(MujocoNative.Qvel(handle, p, values.Length));
        return values;
    }

    public double[] Sensors()
    {
        var values = new double[SensorCount];
        fixed (double* p = values)
            Checked(MujocoNative.SensorData(handle, p, values.Length));
        return values;
    }

    static int Checked(int status) => status >= 0 ? status : throw new MujocoException(MujocoNative.LastError);

    public void Dispose() => handle.Dispose();
}
