using System.Security.Cryptography;
using System.Text;

namespace GatoMesh.Silo.Security;

/// <summary>
/// The cluster's admin credential as a silo holds it: only its SHA-256 hash is kept, and a presented key
/// is hashed and compared in fixed time, so neither memory nor timing tells anything about the key or
/// its length.
/// </summary>
public sealed class AdminKey
{
    /// <summary>Shortest key accepted: 128 bits of hex.</summary>
    public const int MinLength = 32;

    private readonly byte[] hash;

    public AdminKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < MinLength)
            throw new ArgumentException($"the admin key must be at least {MinLength} characters (it is {key?.Length ?? 0})", nameof(key));
        this.hash = Hash(key);
    }

    /// <summary>A fresh random key (256 bits, hex).</summary>
    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), this.hash);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
