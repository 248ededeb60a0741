using System.Globalization;
using System.Text.Json;
using Hospes.Core.Json;
using Hospes.Core.Vms;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>
/// The host's state in SQLite (WAL). hospesd is its only writer; every change is one short transaction,
/// so a kill -9 at any moment leaves a consistent file.
/// </summary>
internal sealed partial class StateDb
{
    private const int SchemaVersion = 8;
    private readonly string _connectionString;

    /// <summary>Opens (or makes) the DB at <paramref name="path"/>; the folder it is in is the state dir its paths are relative to.</summary>
    public StateDb(string path)
    {
        SQLitePCL.Batteries_V2.Init();
        Paths = new StatePaths(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        using SqliteConnection c = Open();
        Exec(c, "PRAGMA journal_mode = WAL;");
        long version = (long)Scalar(c, "PRAGMA user_version;")!;
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"{path} was written by a newer hospesd (schema {version}, this one knows {SchemaVersion}); use that version");
        }

        Exec(c, """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS vms (
                uuid TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                spec TEXT NOT NULL,
                state TEXT NOT NULL,
                domid INTEGER,
                pid INTEGER,
                machine TEXT,
                accel TEXT,
                save_path TEXT,
                last_error TEXT,
                crash_count INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                started_at TEXT,
                qemu_uid INTEGER
            );
            """);
        AddQemuUids(c);
        AddRamFiles(c);
        Exec(c, VolumeSchema);
        Exec(c, NetworkSchema);
        Exec(c, PeerSchema);
        Exec(c, AccessSchema);
        Exec(c, CertificateSchema);
        if (version < 5)
        {
            UpgradeTo5(c, Paths);
        }

        UpgradeTo7(c);

        Exec(c, $"PRAGMA user_version = {SchemaVersion};");
    }

    /// <summary>How paths are written to and read from the DB: relative to the state dir when inside it.</summary>
    public StatePaths Paths { get; }

    /// <summary>The state dir this DB was in when it was last opened (null: never recorded); differs from <see cref="StatePaths.Root"/> after a move.</summary>
    public string? RecordedStateDir()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", StateDirKey);
        return cmd.ExecuteScalar() as string;
    }

    /// <summary>Records the state dir of this run (once everything that named the old one is re-pointed).</summary>
    public void RecordStateDir()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = $v";
        cmd.Parameters.AddWithValue("$k", StateDirKey);
        cmd.Parameters.AddWithValue("$v", Paths.Root);
        cmd.ExecuteNonQuery();
    }

    public IReadOnlyList<VmRecord> LoadVms()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT spec, state, domid, pid, machine, accel, save_path, last_error, crash_count, created_at, started_at, qemu_uid, project, ram_file FROM vms ORDER BY name";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<VmRecord>();
        while (r.Read())
        {
            list.Add(new VmRecord
            {
                Spec = Paths.Live(JsonSerializer.Deserialize<VmSpec>(r.GetString(0), HospesJson.Options)!),
                State = Enum.Parse<VmState>(r.GetString(1)),
                DomId = r.IsDBNull(2) ? null : r.GetInt32(2),
                Pid = r.IsDBNull(3) ? null : r.GetInt32(3),
                Machine = r.IsDBNull(4) ? null : r.GetString(4),
                Accel = r.IsDBNull(5) ? null : r.GetString(5),
                SavePath = r.IsDBNull(6) ? null : Paths.Live(r.GetString(6)),
                LastError = r.IsDBNull(7) ? null : r.GetString(7),
                CrashCount = r.GetInt32(8),
                CreatedAt = DateTimeOffset.Parse(r.GetString(9), CultureInfo.InvariantCulture),
                StartedAt = r.IsDBNull(10) ? null : DateTimeOffset.Parse(r.GetString(10), CultureInfo.InvariantCulture),
                QemuUid = r.IsDBNull(11) ? null : r.GetInt32(11),
                Project = r.GetString(12),
                RamFile = r.IsDBNull(13) ? null : r.GetString(13),
            });
        }

        return list;
    }

    /// <summary>Inserts a new VM; false if its name or uuid is taken.</summary>
    public bool TryInsert(VmRecord vm) => InTransaction(t => t.TryInsertVm(vm));

    public void Update(VmRecord vm)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = """
            UPDATE vms SET name = $name, spec = $spec, state = $state, domid = $domid, pid = $pid, machine = $machine, accel = $accel,
                save_path = $save, last_error = $error, crash_count = $crashes, created_at = $created, started_at = $started, qemu_uid = $uid, project = $project, ram_file = $ram
            WHERE uuid = $uuid
            """;
        Bind(cmd, vm, Paths);
        cmd.ExecuteNonQuery();
    }

    public void Delete(Guid uuid) => InTransaction(t => t.DeleteVm(uuid));

    /// <summary>The next domain id, unique for the life of this state dir (xl counts the same way).</summary>
    public int NextDomId()
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO meta (key, value) VALUES ('next_domid', '2') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
            SELECT CAST(value AS INTEGER) - 1 FROM meta WHERE key = 'next_domid';
            """;
        int id = Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        tx.Commit();
        return id;
    }

    internal static void Bind(SqliteCommand cmd, VmRecord vm, StatePaths paths)
    {
        cmd.Parameters.AddWithValue("$uuid", vm.Uuid.ToString());
        cmd.Parameters.AddWithValue("$name", vm.Name);
        cmd.Parameters.AddWithValue("$spec", JsonSerializer.Serialize(paths.Stored(vm.Spec), HospesJson.Options));
        cmd.Parameters.AddWithValue("$state", vm.State.ToString());
        cmd.Parameters.AddWithValue("$domid", (object?)vm.DomId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pid", (object?)vm.Pid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$machine", (object?)vm.Machine ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$accel", (object?)vm.Accel ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$save", vm.SavePath is { } save ? paths.Stored(save) : DBNull.Value);
        cmd.Parameters.AddWithValue("$error", (object?)vm.LastError ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$crashes", vm.CrashCount);
        cmd.Parameters.AddWithValue("$created", vm.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$started", vm.StartedAt is { } s ? s.ToString("O", CultureInfo.InvariantCulture) : DBNull.Value);
        cmd.Parameters.AddWithValue("$uid", (object?)vm.QemuUid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$project", vm.Project);
        cmd.Parameters.AddWithValue("$ram", (object?)vm.RamFile ?? DBNull.Value);
    }

    /// <summary>Schema 8 (issue 16): the RAM file a VM's QEMU maps (forkable VMs and forks), counted by every VM naming it.</summary>
    private static void AddRamFiles(SqliteConnection c)
    {
        if (Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM pragma_table_info('vms') WHERE name = 'ram_file';"), CultureInfo.InvariantCulture) == 0)
        {
            Exec(c, "ALTER TABLE vms ADD COLUMN ram_file TEXT;");
        }
    }

    /// <summary>Schema 6: the uid of each VM's QEMU (a column DBs of schema 5 and older lack).</summary>
    private static void AddQemuUids(SqliteConnection c)
    {
        if (Convert.ToInt64(Scalar(c, "SELECT COUNT(*) FROM pragma_table_info('vms') WHERE name = 'qemu_uid';"), CultureInfo.InvariantCulture) == 0)
        {
            Exec(c, "ALTER TABLE vms ADD COLUMN qemu_uid INTEGER;");
        }
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        Exec(c, "PRAGMA busy_timeout = 5000;");
        return c;
    }

    private static void Exec(SqliteConnection c, string sql)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection c, string sql)
    {
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
