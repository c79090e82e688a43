namespace GatoMesh.Envs;

/// <summary>
/// A discrete-time linear-quadratic regulator for one input, on a model linearized by central
/// differences through MuJoCo itself (so the gains match the simulated plant, damping and
/// integrator included). <c>u = -K s</c>; K from iterating the Riccati equation to convergence.
/// </summary>
internal static class Lqr
{
    /// <summary>Gains for state s = (qpos, qvel) around <paramref name="qpos0"/> at rest, with
    /// one control period of <paramref name="substeps"/> physics steps.</summary>
    public static double[] Gains(MujocoSimulation simulation, double[] qpos0, int substeps, double[] q, double r)
    {
        var nq = simulation.PositionCount;
        var n = nq + simulation.VelocityCount;
        var a = new double[n, n];
        var b = new double[n];
        const double eps = 1e-6;
        for (var j = 0; j <= n; j++)
        {
            var plus = Advance(simulation, qpos0, nq, n, j, eps, substeps);
            var minus = Advance(simulation, qpos0, nq, n, j, -eps, substeps);
            for (var i = 0; i < n; i++)
            {
                var derivative = (plus[i] - minus[i]) / (2 * eps);
                if (j < n)
                    a[i, j] = derivative;
                else
                    b[i] = derivative;
            }
        }
        simulation.Reset();
        return Riccati(a, b, q, r, n);
    }

    /// <summary>The state after one control period from equilibrium with coordinate
    /// <paramref name="j"/> (j = n: the control) displaced by <paramref name="delta"/>.</summary>
    static double[] Advance(MujocoSimulation simulation, double[] qpos0, int nq, int n, int j, double delta, int substeps)
    {
        var state = new double[n];
        for (var i = 0; i < nq; i++)
            state[i] = qpos0[i];
        if (j < n)
            state[j] += delta;
        simulation.SetState(state.AsSpan(0, nq), state.AsSpan(nq));
        simulation.SetControls([j == n ? delta : 0]);
        simulation.Step(substeps);
        var next = simulation.Positions().Concat(simulation.Velocities()).ToArray();
        for (var i = 0; i < nq; i++)
            next[i] -= qpos0[i];
        return next;
    }

    static double[] Riccati(double[,] a, double[] b, double[] q, double r, int n)
    {
        var p = new double[n, n];
        for (var i = 0; i < n; i++)
            p[i, i] = q[i];
        var k = new double[n];
        for (var iteration = 0; iteration < 5000; iteration++)
        {
            // K = (R + B'PB)^-1 B'PA ; P = Q + A'PA - A'PB K
            var pb = new double[n];
            var pa = new double[n, n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                {
                    pb[i] += p[i, j] * b[j];
                    for (var m = 0; m < n; m++)
                        pa[i, j] += p[i, m] * a[m, j];
                }
            var denominator = r;
            for (var i = 0; i < n; i++)
                denominator += b[i] * pb[i];
            for (var j = 0; j < n; j++)
            {
                var bpa = 0.0;
                for (var i = 0; i < n; i++)
                    bpa += b[i] * pa[i, j];
                k[j] = bpa / denominator;
            }
            var next = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                var apb = 0.0;
                for (var m = 0; m < n; m++)
                    apb += a[m, i] * pb[m];
                for (var j = 0; j < n; j++)
                {
                    var apa = 0.0;
                    for (var m = 0; m < n; m++)
                        apa += a[m, i] * pa[m, j];
                    next[i, j] = (i == j ? q[i] : 0) + apa - apb * k[j];
                }
            }
            p = next;
        }
        return k;
    }
}
