//! Hostile peers against a real process, one kind of attack per file: malformed bytes
//! (`bytes`), forged identities and messages (`forged`), the encrypted transport (`transport`)
//! and load (`load`). After each attack the node is still up, the honest peer still chats with
//! it and was never dropped, and nothing the attacker sent was shown as chat (the testkit's
//! `honest_pair`, `still_fine` and `rejected`).

mod bytes;
mod files;
mod forged;
mod forged_acts;
mod load;
mod resets;
mod transport;
