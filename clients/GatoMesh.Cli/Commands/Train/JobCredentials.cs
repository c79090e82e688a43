using System.Security.Cryptography.X509Certificates;
using GatoMesh.Silo.Security;

namespace GatoMesh.Cli;

/// <summary>
/// What makes a process a member of a training job's cluster: the certificate its links present and the
/// admin key its trainer calls carry. A job in its own cluster gets fresh ones, in a folder only this user
/// can read, deleted when the job ends; a job in a running cluster uses that cluster's.
/// </summary>
internal sealed class JobCredentials : IDisposable
{
    private readonly string? ownFolder;

    private JobCredentials(X509Certificate2 certificate, string certificatePath, string adminKey, string? ownFolder)
    {
        Certificate = certificate;
        CertificatePath = certificatePath;
        AdminKey = adminKey;
        this.ownFolder = ownFolder;
    }

    public X509Certificate2 Certificate { get; }
    public string CertificatePath { get; }
    public string AdminKey { get; }

    public static JobCredentials Create(string jobId)
    {
        var folder = Directory.CreateTempSubdirectory("gatomesh-job-").FullName;
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = Path.Combine(folder, "job.pfx");
        return new JobCredentials(ClusterCertificate.CreateSelfSigned(path, jobId), path, Silo.Security.AdminKey.Generate(), folder);
    }

    public static JobCredentials Of(LocalCluster cluster) =>
        new(ClusterCertificate.Load(cluster.Certificate), cluster.Certificate, cluster.AdminKey(), null);

    public void Dispose()
    {
        Certificate.Dispose();
        if (this.ownFolder is not null && Directory.Exists(this.ownFolder)) Directory.Delete(this.ownFolder, recursive: true);
    }
}
