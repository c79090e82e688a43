namespace GatoMesh.Deploy.Tests;

/// <summary>
/// docs/DEPLOY.md, "Kubernetes": every overlay renders with kubectl's kustomize, and what it renders passes
/// deploy/kubernetes/validate.py (the Kubernetes API types' schema plus selectors, ports, Secrets and
/// Orleans' pod labels). kubectl's own client-side validation needs an API server for its schema, and none
/// runs here (see the last test); validate.py checks that schema from Debian's python3-kubernetes.
/// </summary>
public sealed class KubernetesManifestTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private readonly string _copy = Directory.CreateTempSubdirectory("gatomesh-kubernetes-").FullName;

    public KubernetesManifestTests() => Commands.CopyFolder(Path.Combine(Commands.RepositoryRoot(), "deploy"), _copy);

    private string Kubernetes => Path.Combine(_copy, "kubernetes");

    [Theory]
    [InlineData("overlays/laptop")]
    [InlineData("overlays/production")]
    [InlineData("metrics-adapter")]
    public async Task Each_overlay_renders_and_validates(string folder)
    {
        var rendered = await RenderAsync(folder);

        var validated = await ValidateAsync(rendered);

        Assert.True(validated.Exit == 0, validated.Stdout + validated.Stderr);
        Assert.StartsWith("ok: ", validated.Stdout);
    }

    [Fact]
    public async Task The_silos_carry_Orleans_labels_probes_budget_autoscaler_and_their_Secrets()
    {
        var rendered = await RenderAsync("overlays/laptop");

        foreach (var expected in new[]
                 {
                     "orleans/serviceId: gatomesh", "orleans/clusterId: gatomesh", "- --kubernetes", "kind: PodDisruptionBudget",
                     "kind: HorizontalPodAutoscaler", "name: gatomesh_sessions_per_silo", "path: /health", "secretName: gatomesh-cluster-certificate-",
                     "secretName: gatomesh-admin-key-", "secretName: gatomesh-fleet-keys-", "runAsNonRoot: true",
                 })
            Assert.Contains(expected, rendered);
    }

    [Theory]
    [InlineData("readinessProbe:", "readinesProbe:", "unknown field of V1Container")]
    [InlineData("orleans/clusterId: gatomesh", "orleans/cluster: gatomesh", "needs the pod label orleans/clusterId")]
    [InlineData("targetPort: grpc", "targetPort: grpcc", "targetPort 'grpcc' is not a port of the pods it selects")]
    [InlineData("maxReplicas: 12", "maxReplicas: twelve", "'twelve' is not int")]
    public async Task The_validator_names_what_is_wrong(string good, string bad, string problem)
    {
        var rendered = await RenderAsync("overlays/laptop");
        Assert.Contains(good, rendered);

        var validated = await ValidateAsync(rendered.Replace(good, bad));

        Assert.Equal(1, validated.Exit);
        Assert.Contains(problem, validated.Stdout);
    }

    [Fact]
    public async Task Kubectl_client_side_validation_needs_an_API_server_for_its_schema()
    {
        var rendered = Path.Combine(_copy, "rendered.yaml");
        await File.WriteAllTextAsync(rendered, await RenderAsync("overlays/laptop"));
        var kubeconfig = Path.Combine(_copy, "no-cluster.kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");

        var dryRun = await Commands.RunAsync("kubectl", ["apply", "--dry-run=client", "--validate=true", "-f", rendered, "--kubeconfig", kubeconfig], Deadline);

        // What kubectl says when it has no server to read the schema from: the reason validate.py exists.
        Assert.NotEqual(0, dryRun.Exit);
        Assert.Matches("(?i)refused|openapi|server|connect", dryRun.Stderr);
    }

    private async Task<string> RenderAsync(string folder)
    {
        var overlay = Path.Combine(Kubernetes, folder);
        if (folder.StartsWith("overlays/", StringComparison.Ordinal))
            (await Commands.RunAsync(Path.Combine(_copy, "make-secrets.sh"), [Path.Combine(overlay, "secrets"), "fleet-a=key-a"], Deadline)).Succeeded("make-secrets.sh");
        return (await Commands.RunAsync("kubectl", ["kustomize", overlay], Deadline)).Succeeded($"kubectl kustomize {folder}").Stdout;
    }

    private Task<Commands.Result> ValidateAsync(string rendered) =>
        Commands.RunAsync("/usr/bin/python3", [Path.Combine(Kubernetes, "validate.py")], Deadline, stdin: rendered);

    public void Dispose() => Directory.Delete(_copy, recursive: true);
}
