using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hospes.Host.Access;

/// <summary>
/// Passwords as PBKDF2-HMAC-SHA256 with a 16-byte salt of their own, stored as "pbkdf2-sha256$ITERATIONS$SALT$HASH"
/// (base64) so the count can be raised later without breaking stored hashes. 600,000 iterations: OWASP's figure for
/// SHA-256 (its 210,000 is SHA-512's).
/// </summary>
internal static class PasswordHash
{
    public const int Iterations = 600_000;

    /// <summary>Stored hashes with fewer are refused (a DB edited by hand).</summary>
    public const int MinIterations = 210_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Create(string password)
    {
        byte[] salt = RandomNumberGenerator.GetBytes(SaltBytes);
        byte[] hash = Derive(password, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>True when <paramref name="password"/> is the one <paramref name="stored"/> was made from; false for a malformed hash.</summary>
    public static bool Verify(string password, string stored)
    {
        string[] parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int iterations) || iterations < MinIterations)
        {
            return false;
        }

        try
        {
            byte[] salt = Convert.FromBase64String(parts[2]);
            byte[] expected = Convert.FromBase64String(parts[3]);
            return expected.Length == HashBytes && CryptographicOperations.FixedTimeEquals(Derive(password, salt, iterations), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
