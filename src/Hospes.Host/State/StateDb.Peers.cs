using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Hospes.Host.State;

/// <summary>Hosts this one trusts, and the join tokens it has handed out (only their secret's SHA-256).</summary>
internal sealed partial class StateDb
{
    private const string PeerSchema = """
        CREATE TABLE IF NOT EXISTS peers (
            name TEXT PRIMARY KEY,
            address TEXT,
            fingerprint TEXT NOT NULL UNIQUE,
            added_at TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS peer_tokens (
            secret_sha256 TEXT PRIMARY KEY,
            created_at TEXT,
            expires_at TEXT
        );
        """;

    public IReadOnlyList<PeerRecord> LoadPeers()
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, address, fingerprint, added_at FROM peers ORDER BY name";
        using SqliteDataReader r = cmd.ExecuteReader();
        var list = new List<PeerRecord>();
        while (r.Read())
        {
            list.Add(new PeerRecord(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), DateTimeOffset.Parse(r.GetString(3), CultureInfo.InvariantCulture)));
        }

        return list;
    }

    /// <summary>Adds or updates a peer; false if its name or fingerprint belongs to another peer.</summary>
    public bool TryUpsertPeer(PeerRecord peer)
    {
        using SqliteConnection c = Open();
        return TryUpsertPeer(c, null, peer);
    }

    public bool DeletePeer(string name)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM peers WHERE name = $name";
        cmd.Parameters.AddWithValue("$name", name);
        return cmd.ExecuteNonQuery() > 0;
    }

    public void InsertPeerToken(string secretSha256, DateTimeOffset created, DateTimeOffset expires)
    {
        using SqliteConnection c = Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = """
            DELETE FROM peer_tokens WHERE expires_at < $created;
            INSERT INTO peer_tokens (secret_sha256, created_at, expires_at) VALUES ($hash, $created, $expires);
            """;
        cmd.Parameters.AddWithValue("$hash", secretSha256);
        cmd.Parameters.AddWithValue("$created", created.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("$expires", expires.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// In one transaction: the token must exist and be unexpired; then the peer row
    /// lands and the token is gone. A refusal or a name/fingerprint clash changes nothing, so the token can be used again.
    /// </summary>
    public PeerJoinOutcome RedeemPeerToken(string secretSha256, DateTimeOffset now, PeerRecord peer)
    {
        using SqliteConnection c = Open();
        using SqliteTransaction tx = c.BeginTransaction();
        using SqliteCommand find = c.CreateCommand();
        find.Transaction = tx;
        find.CommandText = "SELECT expires_at FROM peer_tokens WHERE secret_sha256 = $hash";
        find.Parameters.AddWithValue("$hash", secretSha256);
        if (find.ExecuteScalar() is not string expires)
        {
            return PeerJoinOutcome.UnknownToken;
        }

        if (DateTimeOffset.Parse(expires, CultureInfo.InvariantCulture) < now)
        {
            return PeerJoinOutcome.ExpiredToken;
        }

        if (!TryUpsertPeer(c, tx, peer))
        {
            return PeerJoinOutcome.Clash;
        }

        using SqliteCommand delete = c.CreateCommand();
        delete.Transaction = tx;
        delete.CommandText = "DELETE FROM peer_tokens WHERE secret_sha256 = $hash";
        delete.Parameters.AddWithValue("$hash", secretSha256);
        delete.ExecuteNonQuery();
        tx.Commit();
        return PeerJoinOutcome.Joined;
    }

    private static bool TryUpsertPeer(SqliteConnection c, SqliteTransaction? tx, PeerRecord peer)
    {
        // Same name and fingerprint again (a host joined twice) only refreshes the address.
        using SqliteCommand cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT INTO peers (name, address, fingerprint, added_at) VALUES ($name, $address, $fingerprint, $added)
            ON CONFLICT (name) DO UPDATE SET address = excluded.address WHERE fingerprint = excluded.fingerprint
            """;
        cmd.Parameters.AddWithValue("$name", peer.Name);
        cmd.Parameters.AddWithValue("$address", (object?)peer.Address ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$fingerprint", peer.Fingerprint);
        cmd.Parameters.AddWithValue("$added", peer.AddedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        try
        {
            return cmd.ExecuteNonQuery() > 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 19)
        {
            return false;
        }
    }
}
