package cache

import (
	"errors"
	"sync"
	"time"
)

// ErrMissing is returned when a key is not in the cache.
var ErrMissing = errors.New("cache: key not found")

// Cache keeps values for a fixed time.
type Cache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]entry
}

type entry struct {
	value   string
	expires time.Time
}

// New returns a cache whose entries live for ttl.
func New(ttl time.Duration) *Cache {
	return &Cache{ttl: ttl, entries: make(map[string]entry)}
}

// Get returns the value stored under key.
func (c *Cache) Get(key string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return "", ErrMissing
	}
	return e.value, nil
}
