using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>Steps that bring a DB written by an older hospesd to this schema, each in one transaction.</summary>
internal sealed partial class StateDb
{
    /// <summary>The state dir the DB was last opened in (meta), to tell a moved state dir from the one it was.</summary>
    private const string StateDirKey = "state_dir";

    /// <summary>
    /// Schema 5: paths inside the state dir become relative to it. Up to schema 4 they were absolute, from the state dir
    /// the file was made in, which may not be this one (the dir was moved before this hospesd first opened it): that
    /// old state dir is read back from where the store's own files sit in their paths. Paths outside stay as they are.
    /// </summary>
    private static void UpgradeTo5(SqliteConnection c, StatePaths paths)
    {
        using SqliteTransaction tx = c.BeginTransaction();
        var volumes = Rows(c, tx, "SELECT id, kind, name, path, vm, template FROM volumes", r => (Id: r.GetInt64(0), Kind: r.GetString(1), Name: r.GetString(2), Path: r.GetString(3), Vm: r.IsDBNull(4) ? null : r.GetString(4), Template: r.IsDBNull(5) ? null : r.GetString(5)));
        var vms = Rows(c, tx, "SELECT uuid, spec, save_path FROM vms", r => (Uuid: r.GetString(0), Spec: r.GetString(1), Save: r.IsDBNull(2) ? null : r.GetString(2)));
        var templates = Rows(c, tx, "SELECT name, spec FROM templates", r => (Name: r.GetString(0), Spec: r.GetString(1)));

        var layout = volumes.Select(v => OldRoot(v.Path, v.Kind switch
        {
            nameof(VolumeKind.VmDisk) => $"/vms/{v.Vm}/disks/",
            nameof(VolumeKind.Disk) => "/disks/",
            nameof(VolumeKind.Template) => $"/templates/{v.Template}/",
            _ => $"/images/{v.Name}/",
        })).Concat(vms.SelectMany(v => JsonSerializer.Deserialize<VmSpec>(v.Spec, HospesJson.Options)!.Disks.Select(d => OldRoot(d.Target, $"/vms/{v.Uuid}/"))));
        string? old = layout.OfType<string>().GroupBy(r => r, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
        string[] roots = old is null || old == paths.Root ? [paths.Root] : [paths.Root, old];
        string Store(string path) => roots.Select(root => StatePaths.RelativeTo(root, path)).FirstOrDefault(r => r is not null) ?? path;
        string StoreSpec(string json)
        {
            VmSpec spec = JsonSerializer.Deserialize<VmSpec>(json, HospesJson.Options)!;
            VmSpec stored = spec with
            {
                Kernel = spec.Kernel is { } k ? Store(k) : null,
                Ramdisk = spec.Ramdisk is { } r ? Store(r) : null,
                Disks = [.. spec.Disks.Select(d => d with { Target = Store(d.Target) })],
            };
            return JsonSerializer.Serialize(stored, HospesJson.Options);
        }

        foreach (var v in volumes)
        {
            Write(c, tx, "UPDATE volumes SET path = $p WHERE id = $id", ("$p", Store(v.Path)), ("$id", v.Id));
        }

        foreach (var v in vms)
        {
            Write(c, tx, "UPDATE vms SET spec = $s, save_path = $save WHERE uuid = $id", ("$s", StoreSpec(v.Spec)), ("$save", v.Save is { } s ? Store(s) : DBNull.Value), ("$id", v.Uuid));
        }

        foreach (var t in templates)
        {
            Write(c, tx, "UPDATE templates SET spec = $s WHERE name = $id", ("$s", StoreSpec(t.Spec)), ("$id", t.Name));
        }

        // The overlays' backing files still name the old state dir; the store's start-up step re-points them.
        Write(c, tx, "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = $v", ("$k", StateDirKey), ("$v", old ?? paths.Root));
        tx.Commit();
    }

    /// <summary>The project everything belongs to unless created in another; always there, never deleted.</summary>
    public const string DefaultProject = "default";

    /// <summary>
    /// Schema 7 (issue 14): VMs, templates, volumes (a standalone disk's own; a VM's and a template's disks follow their
    /// owner) and networks belong to a project, "default" for everything made before; the default project's row.
    /// Run at every open: each column is added only when missing, the row only when absent.
    /// </summary>
    private static void UpgradeTo7(SqliteConnection c)
    {
        using SqliteTransaction tx = c.BeginTransaction();
        foreach (string table in (string[])["vms", "templates", "volumes", "networks"])
        {
            if (Rows(c, tx, $"SELECT 1 FROM pragma_table_info('{table}') WHERE name = 'project'", r => r.GetInt64(0)).Count == 0)
            {
                Write(c, tx, $"ALTER TABLE {table} ADD COLUMN project TEXT NOT NULL DEFAULT '{DefaultProject}'");
            }
        }

        Write(c, tx, "INSERT INTO projects (name, created_at) VALUES ($n, $t) ON CONFLICT(name) DO NOTHING", ("$n", DefaultProject), ("$t", Time(DateTimeOffset.UtcNow)));
        tx.Commit();
    }

    /// <summary>The state dir a path of the store was made under: what comes before <paramref name="marker"/> in it.</summary>
    private static string? OldRoot(string path, string marker)
    {
        int at = Path.IsPathRooted(path) ? path.LastIndexOf(marker, StringComparison.Ordinal) : -1;
        return at > 0 ? path[..at] : null;
    }

    private static List<T> Rows<T>(SqliteConnection c, SqliteTransaction tx, string sql, Func<SqliteDataReader, T> read)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(read(r));
        }

        return list;
    }

    private static void Write(SqliteConnection c, SqliteTransaction tx, string sql, params (string Name, object Value)[] values)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach ((string name, object value) in values)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        cmd.ExecuteNonQuery();
    }
}
