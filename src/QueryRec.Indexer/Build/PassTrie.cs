namespace QueryRec.Indexer.Build;

/// <summary>
/// The nodes of one completion-table pass: a trie over UTF-16 code units, kept in flat arrays. The keys of a source
/// come as successive prefixes, so a key's node is one child step from the previous key's (<see cref="Keys"/>)
/// instead of a hash of the whole key, and a node costs no object, key string or array of its own. Node ids grow in
/// creation order, so a node's parent has a smaller id: walking the ids in order visits parents before children.
/// A trie is reused from pass to pass (<see cref="Clear"/>); lookups (<see cref="Find"/>) only read, so the head
/// pass's trie may be read by several passes at once.
/// </summary>
internal sealed class PassTrie
{
    /// <summary>The root: the empty key, never a key of the table.</summary>
    public const int Root = 0;

    private readonly int _topK;

    // The children: open addressing over (parent, code unit) + 1, 0 marking a free slot.
    private long[] _slotKeys = new long[1 << 12];
    private int[] _slotNodes = new int[1 << 12];
    private int _slotsUsed;

    private int[] _parent = new int[1 << 11];
    private char[] _unit = new char[1 << 11];
    private int[] _depth = new int[1 << 11];
    private int[] _matches = new int[1 << 11];
    private int[] _lastEntry = new int[1 << 11];
    private int[] _count = new int[1 << 11];
    private int[] _capacity = new int[1 << 11];
    private int[] _topAt = new int[1 << 11];
    private int[] _ancestor = new int[1 << 11];

    // Every node's first entries, in slices that grow by doubling up to K (a node with one match holds one slot).
    private int[] _pool = new int[1 << 12];
    private int _poolUsed;

    public PassTrie(int topK)
    {
        _topK = topK;
        Clear();
    }

    /// <summary>Nodes, the root included: ids run from <see cref="Root"/> to Count − 1.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets every node but the root, keeping the arrays for the next pass.</summary>
    public void Clear()
    {
        if (_slotsUsed > 0)
        {
            Array.Clear(_slotKeys);
            _slotsUsed = 0;
        }

        Count = 0;
        _poolUsed = 0;
        New(Root, '\0', 0);
    }

    /// <summary>The node's parent (the key one code unit shorter).</summary>
    public int Parent(int node) => _parent[node];

    /// <summary>The node's last code unit.</summary>
    public char Unit(int node) => _unit[node];

    /// <summary>The node's key length in code units.</summary>
    public int Depth(int node) => _depth[node];

    /// <summary>Entries that reached the node's key; 0 for a node that only leads to keys (not a key itself).</summary>
    public int Matches(int node) => _matches[node];

    /// <summary>The first K entries that reached the key, in the order they came.</summary>
    public ReadOnlySpan<int> Top(int node) => _pool.AsSpan(_topAt[node], _count[node]);

    /// <summary>Pruning: the written node a server filters for this one (see <see cref="CompletionTableWriter"/> for the encoding).</summary>
    public ref int Ancestor(int node) => ref _ancestor[node];

    /// <summary>The node's key, written to the start of <paramref name="chars"/> (at least <see cref="Depth"/> long).</summary>
    public ReadOnlySpan<char> Key(int node, Span<char> chars)
    {
        var depth = _depth[node];
        for (var at = depth - 1; at >= 0; at--)
        {
            chars[at] = _unit[node];
            node = _parent[node];
        }

        return chars[..depth];
    }

    /// <summary>The child of <paramref name="parent"/> by <paramref name="unit"/>, made when missing.</summary>
    public int Child(int parent, char unit)
    {
        var key = (((long)parent << 16) | unit) + 1;
        var mask = _slotKeys.Length - 1;
        var slot = Slot(key, mask);
        while (_slotKeys[slot] is var k && k != 0)
        {
            if (k == key)
            {
                return _slotNodes[slot];
            }

            slot = (slot + 1) & mask;
        }

        var node = New(parent, unit, _depth[parent] + 1);
        _slotKeys[slot] = key;
        _slotNodes[slot] = node;
        if (++_slotsUsed * 4 > _slotKeys.Length * 3)
        {
            GrowSlots();
        }

        return node;
    }

    /// <summary>The child of <paramref name="parent"/> by <paramref name="unit"/>, or −1.</summary>
    public int Find(int parent, char unit)
    {
        var key = (((long)parent << 16) | unit) + 1;
        var mask = _slotKeys.Length - 1;
        for (var slot = Slot(key, mask); _slotKeys[slot] is var k && k != 0; slot = (slot + 1) & mask)
        {
            if (k == key)
            {
                return _slotNodes[slot];
            }
        }

        return -1;
    }

    /// <summary>The node of <paramref name="key"/>, or −1 (read only, like <see cref="Find(int, char)"/>).</summary>
    public int Find(ReadOnlySpan<char> key)
    {
        var node = Root;
        foreach (var c in key)
        {
            node = Find(node, c);
            if (node < 0)
            {
                return -1;
            }
        }

        return node;
    }

    /// <summary>
    /// Counts <paramref name="entry"/> at the node and keeps it when the node holds fewer than K; an entry that
    /// reaches the key again (another reading or word start of the same entry, which come together) counts once.
    /// </summary>
    public void Add(int node, int entry)
    {
        if (_lastEntry[node] == entry)
        {
            return;
        }

        _lastEntry[node] = entry;
        _matches[node]++;
        var count = _count[node];
        if (count >= _topK)
        {
            return;
        }

        if (count == _capacity[node])
        {
            var capacity = Math.Min(_topK, Math.Max(1, count * 2));
            if (_poolUsed + capacity > _pool.Length)
            {
                Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolUsed + capacity));
            }

            _pool.AsSpan(_topAt[node], count).CopyTo(_pool.AsSpan(_poolUsed));
            _topAt[node] = _poolUsed;
            _capacity[node] = capacity;
            _poolUsed += capacity;
        }

        _pool[_topAt[node] + count] = entry;
        _count[node] = count + 1;
    }

    private static int Slot(long key, int mask) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> 32) & mask;

    private int New(int parent, char unit, int depth)
    {
        var node = Count++;
        if (node == _parent.Length)
        {
            var size = node * 2;
            Array.Resize(ref _parent, size);
            Array.Resize(ref _unit, size);
            Array.Resize(ref _depth, size);
            Array.Resize(ref _matches, size);
            Array.Resize(ref _lastEntry, size);
            Array.Resize(ref _count, size);
            Array.Resize(ref _capacity, size);
            Array.Resize(ref _topAt, size);
            Array.Resize(ref _ancestor, size);
        }

        _parent[node] = parent;
        _unit[node] = unit;
        _depth[node] = depth;
        _matches[node] = 0;
        _lastEntry[node] = -1;
        _count[node] = 0;
        _capacity[node] = 0;
        _topAt[node] = 0;
        _ancestor[node] = 0;
        return node;
    }

    private void GrowSlots()
    {
        var keys = _slotKeys;
        var nodes = _slotNodes;
        _slotKeys = new long[keys.Length * 2];
        _slotNodes = new int[keys.Length * 2];
        var mask = _slotKeys.Length - 1;
        for (var i = 0; i < keys.Length; i++)
        {
            if (keys[i] != 0)
            {
                var slot = Slot(keys[i], mask);
                while (_slotKeys[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                _slotKeys[slot] = keys[i];
                _slotNodes[slot] = nodes[i];
            }
        }
    }

    /// <summary>
    /// One pass's keys as entries reach them: each key is walked from the previous key's node (up to their common
    /// prefix, then down), so successive prefixes of a source cost one step each.
    /// </summary>
    public sealed class Keys(PassTrie trie) : ITableKeys
    {
        private char[] _previous = new char[64];
        private int _previousLength;
        private int _previousNode = Root;

        /// <summary>The entry whose keys are being added.</summary>
        public int Entry { get; set; }

        public void Add(ReadOnlySpan<char> key)
        {
            var common = key.CommonPrefixLength(_previous.AsSpan(0, _previousLength));
            var node = _previousNode;
            for (var depth = _previousLength; depth > common; depth--)
            {
                node = trie.Parent(node);
            }

            if (key.Length > _previous.Length)
            {
                Array.Resize(ref _previous, Math.Max(key.Length, _previous.Length * 2));
            }

            for (var i = common; i < key.Length; i++)
            {
                node = trie.Child(node, key[i]);
                _previous[i] = key[i];
            }

            _previousLength = key.Length;
            _previousNode = node;
            trie.Add(node, Entry);
        }
    }
}
