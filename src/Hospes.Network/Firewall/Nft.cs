using System.Text.Json;
using Hospes.Network.Tools;

namespace Hospes.Network.Firewall;

/// <summary>Applies and removes network tables with nft; each change is one nft transaction.</summary>
public sealed class Nft(NetTools tools)
{
    /// <summary>
    /// Replaces the network's tables (ip and bridge) atomically: declaring a table first makes its delete safe when it
    /// does not exist yet, and nft applies the file as one transaction, so no packet ever sees a half-built table.
    /// </summary>
    public Task ApplyAsync(NftNetwork n, CancellationToken ct) =>
        tools.RunAsync("nft", ["-f", "-"], ReplaceScript(n), ct);

    /// <summary>What <see cref="ApplyAsync"/> would do, checked by the kernel and thrown away (<c>nft -c</c>).</summary>
    public Task CheckAsync(NftNetwork n, CancellationToken ct) =>
        tools.RunAsync("nft", ["-c", "-f", "-"], ReplaceScript(n), ct);

    /// <summary>Removes the network's tables (ip and bridge); one that does not exist is not an error.</summary>
    public Task DeleteTableAsync(string table, CancellationToken ct)
    {
        if (NftNetwork.ValidateTableName(table) is { } error)
        {
            throw new ArgumentException(error, nameof(table));
        }

        return tools.RunAsync("nft", ["-f", "-"], DeleteScript(table), ct);
    }

    /// <summary>Replaces hospesd's table of incoming migrations' ports (<see cref="NftMigrationRules"/>); none removes it.</summary>
    public Task ApplyMigrationsAsync(IReadOnlyCollection<MigrationOpening> openings, CancellationToken ct) =>
        tools.RunAsync("nft", ["-f", "-"], NftMigrationRules.Script(openings), ct);

    /// <summary>The names of all tables of the ip family, Hospes's or not.</summary>
    public async Task<IReadOnlyList<string>> ListTablesAsync(CancellationToken ct)
    {
        ToolResult r = await tools.RunAsync("nft", ["-j", "list", "tables", "ip"], ct).ConfigureAwait(false);
        return ParseTables(r.StandardOutput);
    }

    /// <summary>The table as the kernel has it now (<c>nft list table</c>), for diagnostics.</summary>
    public async Task<string> ListTableAsync(string table, CancellationToken ct)
    {
        ToolResult r = await tools.RunAsync("nft", ["list", "table", "ip", table], ct).ConfigureAwait(false);
        return r.StandardOutput;
    }

    internal static string ReplaceScript(NftNetwork n) => DeleteScript(n.Table) + NftRuleset.Render(n);

    private static string DeleteScript(string table) =>
        $"table ip {table} {{}}\ndelete table ip {table}\ntable bridge {table} {{}}\ndelete table bridge {table}\n";

    internal static IReadOnlyList<string> ParseTables(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        var tables = new List<string>();
        foreach (JsonElement item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("table", out JsonElement t)
                && t.GetProperty("family").GetString() == "ip"
                && t.GetProperty("name").GetString() is { } name)
            {
                tables.Add(name);
            }
        }

        return tables;
    }
}
