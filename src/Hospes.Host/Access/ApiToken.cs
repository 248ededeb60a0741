using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Hospes.Host.Access;

/// <summary>
/// A token as presented: "hospes_ID_SECRET". ID (16 hex digits) finds the row; SECRET (256 random bits, base64url,
/// which may hold '_') is compared in constant time with the SHA-256 the row keeps. The whole string is shown once.
/// </summary>
internal sealed record ApiToken(string Id, string Secret)
{
    public const string Prefix = "hospes_";
    private const int IdChars = 16;
    private const int SecretChars = 43;

    /// <summary>A new id and secret.</summary>
    public static ApiToken New() =>
        new(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdChars / 2)), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32)));

    public override string ToString() => $"{Prefix}{Id}_{Secret}";

    /// <summary>SHA-256 of the secret's text, lowercase hex: what the row keeps.</summary>
    public string SecretSha256 => Hash(Secret);

    /// <summary>The id and secret of a presented string, or null when it has not that shape.</summary>
    public static ApiToken? Parse(string presented)
    {
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length != Prefix.Length + IdChars + 1 + SecretChars)
        {
            return null;
        }

        string id = presented.Substring(Prefix.Length, IdChars);
        string secret = presented[(Prefix.Length + IdChars + 1)..];
        return presented[Prefix.Length + IdChars] == '_'
            && id.All(char.IsAsciiHexDigitLower)
            && secret.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? new ApiToken(id, secret)
            : null;
    }

    /// <summary>Whether this secret is the one <paramref name="storedSha256"/> was made from, in constant time.</summary>
    public bool Matches(string storedSha256) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(SecretSha256), Encoding.ASCII.GetBytes(storedSha256));

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
