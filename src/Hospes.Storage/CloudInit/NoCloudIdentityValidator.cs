using System.Net;
using System.Text.RegularExpressions;
using Hospes.Core.Errors;

namespace Hospes.Storage.CloudInit;

/// <summary>Checks an identity before it is written into a seed; collects every problem so one pass fixes them all.</summary>
internal static partial class NoCloudIdentityValidator
{
    /// <summary>Linux's HOST_NAME_MAX.</summary>
    private const int MaxHostnameLength = 64;

    public static HospesError? Validate(NoCloudIdentity identity)
    {
        List<string> problems = [];
        if (!InstanceIdPattern().IsMatch(identity.InstanceId))
        {
            problems.Add($"instance-id '{identity.InstanceId}' must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }

        if (identity.Hostname.Length > MaxHostnameLength || !HostnamePattern().IsMatch(identity.Hostname))
        {
            problems.Add($"hostname '{identity.Hostname}' must be at most {MaxHostnameLength} characters of dot-separated labels "
                + "of letters, digits and '-' (not at either end of a label)");
        }

        for (int i = 0; i < identity.SshAuthorizedKeys.Count; i++)
        {
            string key = identity.SshAuthorizedKeys[i];
            if (key.Trim().Length == 0 || key.Any(char.IsControl))
            {
                problems.Add($"ssh key {i + 1} must be one non-empty line of an authorized_keys file (no line breaks)");
            }
        }

        if (identity.SshHostKey is { } hostKey)
        {
            Result<string> derived = Tiny.Ssh.Ed25519KeyFile.PublicLine(hostKey.PrivateKey);
            if (!derived.IsOk)
            {
                problems.Add(derived.Error.Message);
            }
            else if (!hostKey.PrivateKey.Split('\n').All(l => l.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or ' ' or '\r')))
            {
                problems.Add("the SSH host key holds more than the key's BEGIN/END lines and base64");
            }
            else if (hostKey.PublicKey.Trim().Split(' ') is not [var type, var blob, ..] || $"{type} {blob}" != derived.Value)
            {
                problems.Add("the SSH host key's public line is not the public half of its private key");
            }
        }

        if (identity.Network is { } network)
        {
            if (!IPNetwork.TryParse(network.Address, out _) || !network.Address.Contains('/', StringComparison.Ordinal))
            {
                problems.Add($"network address '{network.Address}' must be an address with a prefix length, e.g. 192.0.2.10/24");
            }

            foreach (string? address in network.Nameservers.Prepend(network.Gateway).Where(a => a is not null))
            {
                if (!IPAddress.TryParse(address, out _))
                {
                    problems.Add($"'{address}' is not an IP address (gateway and nameservers are plain addresses, e.g. 192.0.2.1)");
                }
            }
        }

        return problems.Count switch
        {
            0 => null,
            1 => HospesError.Invalid($"NoCloud seed: {problems[0]}"),
            _ => HospesError.Invalid($"NoCloud seed: {problems.Count} problems; the first: {problems[0]}") with { Details = problems },
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex InstanceIdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")]
    private static partial Regex HostnamePattern();
}
