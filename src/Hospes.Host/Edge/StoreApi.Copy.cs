using System.Text;
using System.Text.Json;
using Hospes.Contracts;
using Hospes.Core.Errors;
using Hospes.Core.Json;
using Hospes.Host.Storage;

namespace Hospes.Host.Edge;

/// <summary>A template's copy between cluster members (issue 17): the body is the header as one JSON line, then the files.</summary>
public sealed partial class StoreApi
{
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>The header line and the files to send of template <paramref name="name"/>, in the order they go; delete Scratch afterwards.</summary>
    internal async Task<Result<(string HeaderLine, IReadOnlyList<string> Paths, IReadOnlyList<string> Checksums, string Home, string? Scratch)>> TemplateCopyAsync(string name, string origin, CancellationToken ct)
    {
        var plan = await _templates.CopyPlanAsync(name, origin, ct).ConfigureAwait(false);
        if (!plan.IsOk)
        {
            return plan.Error;
        }

        string line = JsonSerializer.Serialize(plan.Value.Header, HospesJson.Options) + "\n";
        return (line, plan.Value.Paths, [.. plan.Value.Header.Files.Select(f => f.Sha256).Order(StringComparer.Ordinal)], plan.Value.Header.Home ?? origin, plan.Value.Scratch);
    }

    /// <summary>A template another member sends, named <paramref name="name"/>; this host is <paramref name="here"/>.</summary>
    public async Task<Result<TemplateInfo>> ReceiveTemplateAsync(string name, Stream body, string here, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bytes = new List<byte>(4096);
        byte[] one = new byte[1];
        while (true)
        {
            int read = await body.ReadAsync(one, ct).ConfigureAwait(false);
            if (read == 0 || bytes.Count > MaxHeaderBytes)
            {
                return HospesError.Invalid("a template's copy begins with its header as one JSON line; this body has none");
            }

            if (one[0] == (byte)'\n')
            {
                break;
            }

            bytes.Add(one[0]);
        }

        TemplateCopyHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<TemplateCopyHeader>(Encoding.UTF8.GetString([.. bytes]), HospesJson.Options);
        }
        catch (JsonException e)
        {
            return HospesError.Invalid($"a template's copy has a malformed header: {e.Message}");
        }

        if (header is null || header.Name != name)
        {
            return HospesError.Invalid($"a template's copy to /v1/cluster/templates/{name} names template '{header?.Name}' in its header; the two must agree");
        }

        // The copy is the sending member's act for its own template (its callers were checked there): no one else sends one.
        if (!ClusterForwarding.IsMemberCopier(caller, header.Origin))
        {
            return HospesError.Forbidden($"a template's copy from host '{header.Origin}' is taken only from that member's hospesd over its peer connection, not from {caller?.Display}");
        }

        return ResultMap.Map(await _templates.ReceiveAsync(header, body, here, ct).ConfigureAwait(false), TemplateInfoFactory.Create);
    }

    /// <summary>Template <paramref name="name"/> here when it is a copy of another member's: its state and record; else null.</summary>
    internal (TemplateCopyState State, TemplateCopyOrigin Origin)? TemplateCopyOf(string name) => _templates.CopyOf(name);

    /// <summary>The copies of other members' templates here.</summary>
    internal IReadOnlyList<(string Name, TemplateCopyOrigin Origin)> TemplateCopies() => _templates.Copies();

    /// <summary>Records that the home of copy <paramref name="name"/> deleted its template (linked clones here keep the copy).</summary>
    internal Task<bool> MarkTemplateHomeDeletedAsync(string name, string home, CancellationToken ct) => _templates.MarkHomeDeletedAsync(name, home, ct);

    /// <summary>Deletes this host's copy of <paramref name="home"/>'s template <paramref name="name"/> (refused while linked clones stand on it).</summary>
    public async Task<Result<TemplateInfo>> DeleteTemplateCopyAsync(string name, string home, string here, CancellationToken ct) =>
        ResultMap.Map(await _templates.DeleteCopyAsync(name, home, here, ct).ConfigureAwait(false), TemplateInfoFactory.Create);
}
