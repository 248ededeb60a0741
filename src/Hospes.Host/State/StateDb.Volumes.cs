using System.Globalization;
using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>The store's tables: every image, template and disk file, who backs whom and who owns what.</summary>
internal sealed partial class StateDb
{
    private const string VolumeSchema = """
        CREATE TABLE IF NOT EXISTS volumes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            path TEXT NOT NULL UNIQUE,
            format TEXT NOT NULL,
            virtual_size INTEGER NOT NULL,
            backing_id INTEGER REFERENCES volumes(id),
            vm TEXT,
            template TEXT,
            checksum TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (kind, name)
        );
        CREATE TABLE IF NOT EXISTS templates (
            name TEXT PRIMARY KEY,
            spec TEXT NOT NULL,
            source_vm TEXT,
            ready_marker TEXT,
            created_at TEXT NOT NULL
        );
        """;

    public IReadOnlyList<VolumeRecord> LoadVolumes()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, kind, name, path, format, virtual_size, backing_id, vm, template, checksum, created_at, project FROM volumes ORDER BY kind, name";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<VolumeRecord>();
        while (r.Read())
        {
            list.Add(new VolumeRecord
            {
                Id = r.GetInt64(0),
                Kind = Enum.Parse<VolumeKind>(r.GetString(1)),
                Name = r.GetString(2),
                Path = Paths.Live(r.GetString(3)),
                Format = r.GetString(4),
                VirtualSize = r.GetInt64(5),
                BackingId = r.IsDBNull(6) ? null : r.GetInt64(6),
                Vm = r.IsDBNull(7) ? null : Guid.Parse(r.GetString(7)),
                Template = r.IsDBNull(8) ? null : r.GetString(8),
                Checksum = r.IsDBNull(9) ? null : r.GetString(9),
                CreatedAt = DateTimeOffset.Parse(r.GetString(10), CultureInfo.InvariantCulture),
                Project = r.GetString(11),
            });
        }

        return list;
    }

    public IReadOnlyList<TemplateRecord> LoadTemplates()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, spec, source_vm, ready_marker, created_at, project FROM templates ORDER BY name";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<TemplateRecord>();
        while (r.Read())
        {
            list.Add(new TemplateRecord
            {
                Name = r.GetString(0),
                Spec = Paths.Live(JsonSerializer.Deserialize<VmSpec>(r.GetString(1), HospesJson.Options)!),
                SourceVm = r.IsDBNull(2) ? null : r.GetString(2),
                ReadyMarker = r.IsDBNull(3) ? null : r.GetString(3),
                CreatedAt = DateTimeOffset.Parse(r.GetString(4), CultureInfo.InvariantCulture),
                Project = r.GetString(5),
            });
        }

        return list;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction: all of its rows land, or none.</summary>
    public T InTransaction<T>(Func<StateTransaction, T> work)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        T result = work(new StateTransaction(c, tx, Paths));
        tx.Commit();
        return result;
    }

    public void InTransaction(Action<StateTransaction> work) => InTransaction(t =>
    {
        work(t);
        return 0;
    });
}
