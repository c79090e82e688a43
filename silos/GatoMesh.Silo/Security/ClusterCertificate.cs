using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace GatoMesh.Silo.Security;

/// <summary>
/// The certificate that makes a process a member of the cluster (docs/RUNTIME.md, "Links"). Every silo
/// and every cluster client presents it on every Orleans link (silo-to-silo and client-to-gateway, TLS
/// both ways), and accepts a link only from a peer that presents the same certificate: a process without
/// it cannot hold a connection to a silo's Orleans ports. <c>gatomesh cluster up</c> makes a self-signed
/// one for a local cluster; a deployment passes its own (a PKCS#12 file).
/// </summary>
public static class ClusterCertificate
{
    /// <summary>Reads a PKCS#12 (.pfx) file with its private key.</summary>
    public static X509Certificate2 Load(string path, string? password = null)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw new ArgumentException($"{path}: the certificate has no private key (a cluster certificate must carry one)");
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{path}: not a readable PKCS#12 certificate: {e.Message}", e);
        }
    }

    /// <summary>Makes a self-signed certificate for a cluster on this machine and writes it to
    /// <paramref name="path"/> (PKCS#12, no password, readable by the owner only).</summary>
    public static X509Certificate2 CreateSelfSigned(string path, string clusterId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=gatomesh-cluster-{clusterId}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false)); // server and client auth
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return Load(path);
    }

    /// <summary>TLS for Orleans links: present <paramref name="certificate"/>, require the peer's, and
    /// accept only the same certificate (pinned by its SHA-256 thumbprint).</summary>
    public static void Configure(TlsOptions tls, X509Certificate2 certificate)
    {
        var pinned = certificate.GetCertHashString(HashAlgorithmName.SHA256);
        tls.LocalCertificate = certificate;
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && string.Equals(remote.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase);
    }
}
