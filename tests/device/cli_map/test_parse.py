"""Configuration lines -> edits: every command and its ``no`` form, abbreviations, IOS errors with the caret
column, sub-mode transitions, key-string -> key-hash, and whole files."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from config_typing import typed
from lxml import etree
from namespaces import AAA, CRYPTO, PRIV, SNMP

from iosxe_agent.device.cli_map import (
    CONFIG_MODE,
    EXEC_MODE,
    CliError,
    format_error,
    identify,
    parse_config_text,
    parse_line,
    render_config,
)
from iosxe_agent.device.cli_map.table import COMMANDS
from iosxe_agent.device.passwords import verify

N = "{http://cisco.com/ns/yang/Cisco-IOS-XE-native}"
HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"
NTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-ntp"
ETH = "http://cisco.com/ns/yang/Cisco-IOS-XE-ethernet"
PLT = "http://cisco.com/ns/yang/Cisco-IOS-XE-platform"
CH = "http://cisco.com/ns/yang/Cisco-IOS-XE-call-home"
SECRET9 = "$9$8LKaOniOwlOU7.$MbzGH5tklYd8.eOZ4QFleZIVCyoMNr2Z4sS18pKPVVI"
HASH = "5D24EA1D261C1836E437F4E67E2CEBEB"


def same(trees: Any, tree: Any, body: str) -> None:
    assert trees.canonical(tree) == trees.canonical(trees.tree(body) if body else trees.empty())


# -- every command, and its no form ---------------------------------------------------------------------------------
CASES: list[tuple[list[str], str]] = [
    (["hostname R1"], "<hostname>R1</hostname>"),
    (
        ["archive", " path flash:arch-$h", " maximum 14", " write-memory", " time-period 1440"],
        "<archive><path>flash:arch-$h</path><maximum>14</maximum><write-memory/><time-period>1440</time-period>"
        "</archive>",
    ),
    (
        [
            "archive",
            " log config",
            "  logging enable",
            "  logging size 200",
            "  logging persistent auto reload",
            "  notify syslog contenttype plaintext",
            "  hidekeys",
        ],
        "<archive><log><config><hidekeys/><logging><enable/><size>200</size><persistent><auto/><reload/>"
        "</persistent></logging><notify><syslog><contenttype>plaintext</contenttype></syslog></notify></config>"
        "</log></archive>",
    ),
    (["archive", " path flash:a", " write-memory", " no write-memory"], "<archive><path>flash:a</path></archive>"),
    (["ip domain name lab.local"], "<ip><domain><name>lab.local</name></domain></ip>"),
    (["ip domain-name name1"], "<ip><domain><name>name1</name></domain></ip>"),  # the guide's old form
    (["no ip domain lookup"], "<ip><domain><lookup>false</lookup></domain></ip>"),
    (["no ip domain-lookup"], "<ip><domain><lookup>false</lookup></domain></ip>"),
    (["ip domain lookup"], "<ip><domain><lookup>true</lookup></domain></ip>"),
    (["ip domain timeout 3"], "<ip><domain><timeout>3</timeout></domain></ip>"),
    (
        ["login block-for 100 attempts 3 within 60"],
        "<login><block-config><block-for>100</block-for><attempts>3</attempts><within>60</within></block-config></login>",
    ),
    (["login block-for 100 attempts 3 within 60", "no login block-for"], ""),
    (["login delay 2", "login delay 3"], "<login><delay>3</delay></login>"),
    (["login delay 2", "no login delay"], ""),
    (["file prompt quiet", "file prompt noisy"], f'<file xmlns="{PRIV}"><prompt>noisy</prompt></file>'),
    (["banner motd #Hi#"], "<banner><motd><banner>Hi</banner></motd></banner>"),
    (["banner login ^C", "Authorized", "^C"], "<banner><login><banner>\nAuthorized\n</banner></login></banner>"),
    (["banner exec $Hello", "there$"], "<banner><exec><banner>Hello\nthere</banner></exec></banner>"),
    (
        ["banner prompt-timeout %Timed out%"],
        "<banner><prompt-timeout><banner>Timed out</banner></prompt-timeout></banner>",
    ),
    (["banner motd #Hi#", "no banner motd"], ""),
    (["file prompt quiet", "no file prompt"], ""),
    (["login on-failure log"], "<login><on-failure><log/></on-failure></login>"),
    (
        ["login on-success log every 5", "login on-failure log", "no login on-failure log"],
        "<login><on-success><log><every>5</every></log></on-success></login>",
    ),
    (["login on-success log every 5", "login on-success log"], "<login><on-success><log/></on-success></login>"),
    (
        [f"username admin privilege 15 secret 9 {SECRET9}"],
        f"<username><name>admin</name><privilege>15</privilege><secret><encryption>9</encryption>"
        f"<secret>{SECRET9}</secret></secret></username>",
    ),
    (
        ["username superuser privilege 2 password 0 superpassword"],
        "<username><name>superuser</name><privilege>2</privilege><password><encryption>0</encryption>"
        "<password>superpassword</password></password></username>",
    ),
    (
        ["username bob password two words"],
        "<username><name>bob</name><password><encryption>0</encryption><password>two words</password></password>"
        "</username>",
    ),
    (
        ["username bob secret 0 x"],  # stays type 0 here: the datastore normalizer stores it as type 9
        "<username><name>bob</name><secret><encryption>0</encryption><secret>x</secret></secret></username>",
    ),
    (
        ["username bob secret BunkerSSH!"],
        "<username><name>bob</name><secret><encryption>0</encryption><secret>BunkerSSH!</secret></secret></username>",
    ),
    (["username bob privilege 15"], "<username><name>bob</name><privilege>15</privilege></username>"),
    (
        ["username testuser4 one-time password 0 password"],
        "<username><name>testuser4</name><one-time/><password><encryption>0</encryption>"
        "<password>password</password></password></username>",
    ),
    (
        [
            "username bob privilege 3",
            "username bob password 7 030752180500",
            "username bob secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
        ],
        "<username><name>bob</name><privilege>3</privilege><secret><encryption>5</encryption>"
        "<secret>$1$mERr$hx5rVt7rPNoS4wqbXKX7m0</secret></secret></username>",
    ),
    (["username bob privilege 3", "no username bob"], ""),
    (["enable secret 9 " + SECRET9], f"<enable><secret><type>9</type><secret>{SECRET9}</secret></secret></enable>"),
    (["enable secret cisco"], "<enable><secret><type>0</type><secret>cisco</secret></secret></enable>"),
    (
        ["enable secret level 5 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0"],
        "<enable><secret><level>5</level><type>5</type><secret>$1$mERr$hx5rVt7rPNoS4wqbXKX7m0</secret></secret>"
        "</enable>",
    ),
    (
        ["enable password 7 030752180500"],
        "<enable><password><type>7</type><secret>030752180500</secret></password></enable>",
    ),
    (["enable password cisco"], "<enable><password><secret>cisco</secret></password></enable>"),
    (["enable secret 9 " + SECRET9, "no enable secret"], ""),
    (["aaa new-model"], f'<aaa><new-model xmlns="{AAA}"/></aaa>'),
    (["aaa new-model", "no aaa new-model"], ""),
    (
        ["aaa authentication login default group tacacs+ local"],
        f'<aaa><authentication xmlns="{AAA}"><login><name>default</name><a1><group>tacacs+</group></a1><a2>'
        f"<local/></a2></login></authentication></aaa>",
    ),
    (
        ["aaa authentication login default group tacacs+ local", "aaa authentication login default local"],
        f'<aaa><authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login>'
        f"</authentication></aaa>",
    ),
    (
        ["aaa authentication login VTY group radius group G1 enable none"],
        f"""<aaa><authentication xmlns="{AAA}"><login><name>VTY</name><a1><group>radius</group></a1><a2>
        <group>G1</group></a2>
        <a3><enable/></a3><a4><none/></a4></login></authentication></aaa>""",
    ),
    (["aaa authentication login VTY local", "no aaa authentication login VTY"], ""),
    (
        ["aaa authentication enable default group tacacs+ enable"],
        f'<aaa><authentication xmlns="{AAA}"><enable><default><group>tacacs+</group><enable/></default></enable>'
        f"</authentication></aaa>",
    ),
    (
        ["aaa authentication attempts login 5"],
        f'<aaa><authentication xmlns="{AAA}"><attempts><login>5</login></attempts></authentication></aaa>',
    ),
    (
        ["aaa authorization exec default local"],
        f'<aaa><authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization></aaa>',
    ),
    (
        ["aaa authorization exec VTY_author group tacacs+ local if-authenticated"],
        f"""<aaa><authorization xmlns="{AAA}"><exec><name>VTY_author</name><a1><group>tacacs+</group></a1>
        <a2><local/></a2><a3><if-authenticated/></a3></exec></authorization></aaa>""",
    ),
    (
        ["aaa authorization commands 15 default group tacacs+ local"],
        f"""<aaa><authorization xmlns="{AAA}"><commands><level>15</level><list-name>default</list-name>
        <a1><group>tacacs+</group></a1><a2><local/></a2></commands></authorization></aaa>""",
    ),
    (
        ["aaa authorization console", "aaa authorization config-commands"],
        f'<aaa><authorization xmlns="{AAA}"><config-commands/><console/></authorization></aaa>',
    ),
    (
        ["aaa accounting exec default start-stop group tacacs+"],
        f'<aaa><accounting xmlns="{AAA}"><exec><name>default</name><start-stop><group1><group>tacacs+</group>'
        f"</group1></start-stop></exec></accounting></aaa>",
    ),
    (
        ["aaa accounting exec A stop-only broadcast group radius group tacacs+"],
        f"""<aaa><accounting xmlns="{AAA}"><exec><name>A</name><stop-only><broadcast/><group1><group>radius</group>
        </group1>
        <group2><group>tacacs+</group></group2></stop-only></exec></accounting></aaa>""",
    ),
    (
        ["aaa accounting exec default none"],
        f'<aaa><accounting xmlns="{AAA}"><exec><name>default</name><none/></exec></accounting></aaa>',
    ),
    (
        ["aaa accounting commands 15 default start-stop group tacacs+"],
        f"""<aaa><accounting xmlns="{AAA}"><commands><level>15</level><list-name>default</list-name><commands-config>
        <action-type>start-stop</action-type><group-config><group1><group>tacacs+</group></group1></group-config>
        </commands-config></commands></accounting></aaa>""",
    ),
    (["aaa session-id unique"], f'<aaa><session-id xmlns="{AAA}">unique</session-id></aaa>'),
    (
        [
            "aaa group server tacacs+ G",
            " server name T1",
            " server name T2",
            " ip vrf forwarding Mgmt-vrf",
            " ip tacacs source-interface GigabitEthernet0/0",
            " timeout 5",
        ],
        f"""<aaa><group xmlns="{AAA}"><server><tacacsplus><name>G</name>
        <server><name><name>T1</name></name><name><name>T2</name></name></server>
        <ip><tacacs><source-interface><GigabitEthernet>0/0</GigabitEthernet></source-interface></tacacs>
        <vrf><forwarding>Mgmt-vrf</forwarding></vrf></ip><timeout>5</timeout></tacacsplus></server></group></aaa>""",
    ),
    (
        ["aaa group server tacacs+ G", " server name T1", " server name T2", " no server name T1"],
        f"""<aaa><group xmlns="{AAA}"><server><tacacsplus><name>G</name>
        <server><name><name>T2</name></name></server></tacacsplus></server></group></aaa>""",
    ),
    (
        [
            "aaa group server radius R",
            " server name S",
            " ip radius source-interface Loopback0",
            " deadtime 3",
            " ip vrf forwarding Mgmt-vrf",
        ],
        f"""<aaa><group xmlns="{AAA}"><server><radius><name>R</name><server><name><name>S</name></name></server>
        <deadtime>3</deadtime><ip><radius><source-interface><Loopback>0</Loopback></source-interface></radius>
        <vrf><forwarding>Mgmt-vrf</forwarding></vrf></ip></radius></server></group></aaa>""",
    ),
    (["aaa group server radius R", "no aaa group server radius R"], ""),
    (
        ["tacacs server T1", " address ipv4 10.0.0.1", " key 7 0822455D0A16", " port 4949", " timeout 5"],
        f"""<tacacs><server xmlns="{AAA}"><name>T1</name><address><ipv4>10.0.0.1</ipv4></address><port>4949</port>
        <timeout>5</timeout><key><encryption>7</encryption><key>0822455D0A16</key></key></server></tacacs>""",
    ),
    (
        ["tacacs server T1", " key 7 0822455D0A16", " key cisco345"],
        f'<tacacs><server xmlns="{AAA}"><name>T1</name><key><key>cisco345</key></key></server></tacacs>',
    ),
    (
        ["tacacs server T1", " timeout 5", " no timeout"],
        f'<tacacs><server xmlns="{AAA}"><name>T1</name></server></tacacs>',
    ),
    (["tacacs server T1", "no tacacs server T1"], ""),
    (
        ["tacacs-server timeout 7", "tacacs-server key 0 abc def", "tacacs-server directed-request restricted"],
        f"""<tacacs-server><timeout xmlns="{AAA}">7</timeout><directed-request xmlns="{AAA}"><restricted/>
        </directed-request>
        <key xmlns="{AAA}"><encryption>0</encryption><key>abc def</key></key></tacacs-server>""",
    ),
    (
        [
            "radius server R1",
            " address ipv4 10.0.0.2 auth-port 1645 acct-port 1646",
            " key cisco",
            " timeout 2",
            " retransmit 1",
        ],
        f"""<radius><server xmlns="{AAA}"><id>R1</id><address><ipv4>10.0.0.2</ipv4><auth-port>1645</auth-port>
        <acct-port>1646</acct-port></address><timeout>2</timeout><key><key>cisco</key></key><retransmit>1</retransmit>
        </server></radius>""",
    ),
    (
        [
            "radius-server dead-criteria time 5 tries 3",
            "radius-server deadtime 3",
            "radius-server key 7 071C294D40584B56",
            "radius-server retransmit 2",
            "radius-server timeout 4",
        ],
        f"""<radius-server><dead-criteria xmlns="{AAA}"><time>5</time><tries>3</tries></dead-criteria>
        <deadtime xmlns="{AAA}">3</deadtime><key xmlns="{AAA}"><encryption>7</encryption>
        <clear-key>071C294D40584B56</clear-key></key>
        <retransmit xmlns="{AAA}">2</retransmit><timeout xmlns="{AAA}">4</timeout></radius-server>""",
    ),
    (["ip ssh version 2"], "<ip><ssh><ssh-version>2</ssh-version></ssh></ip>"),
    (["ip ssh time-out 60"], "<ip><ssh><time-out>60</time-out></ssh></ip>"),
    (["ip ssh time-out 60", "no ip ssh time-out"], ""),
    (
        ["ip ssh time-out 60", "ip ssh authentication-retries 2", "no ip ssh time-out"],
        "<ip><ssh><authentication-retries>2</authentication-retries></ssh></ip>",
    ),
    (["ip ssh rsa keypair-name SSH-KEYS"], "<ip><ssh><rsa><keypair-name>SSH-KEYS</keypair-name></rsa></ssh></ip>"),
    (["ip ssh dh min size 4096"], "<ip><ssh><dh><min><size>4096</size></min></dh></ssh></ip>"),
    (  # Cisco's 17.12.1 leaves for NETCONF, and the order typed (issue 15: a re-ordered line is a change)
        ["ip ssh server algorithm encryption aes256-ctr aes128-ctr"],
        "<ip><ssh><server><algorithm><encryption><aes128-ctr/><aes256-ctr/>"
        f'<encrypt-options xmlns="{PRIV}">aes256-ctr</encrypt-options>'
        f'<encrypt-options xmlns="{PRIV}">aes128-ctr</encrypt-options></encryption></algorithm></server>'
        "</ssh></ip>",
    ),
    (  # in the model's order the leaves say it all
        ["ip ssh server algorithm encryption aes128-ctr aes256-ctr"],
        "<ip><ssh><server><algorithm><encryption><aes128-ctr/><aes256-ctr/></encryption></algorithm></server>"
        "</ssh></ip>",
    ),
    (
        ["ip ssh server algorithm encryption chacha20-poly1305@openssh.com aes128-gcm aes256-ctr"],
        "<ip><ssh><server><algorithm><encryption><aes256-ctr/>"
        f'<encrypt-options xmlns="{PRIV}">chacha20-poly1305@openssh.com</encrypt-options>'
        f'<encrypt-options xmlns="{PRIV}">aes128-gcm</encrypt-options>'
        f'<encrypt-options xmlns="{PRIV}">aes256-ctr</encrypt-options></encryption></algorithm></server>'
        "</ssh></ip>",
    ),
    (["ip ssh server algorithm encryption aes256-ctr aes128-ctr", "no ip ssh server algorithm encryption"], ""),
    *(
        (
            [f"ip ssh {side} algorithm {word} {' '.join(values)}"],
            f'<ip><ssh><{side}><algorithm><{word} xmlns="{PRIV}">'
            + "".join(f"<{word}-options>{v}</{word}-options>" for v in values)
            + f"</{word}></algorithm></{side}></ssh></ip>",
        )
        for side in ("server", "client")
        for word, values in (
            ("mac", ("hmac-sha2-512", "hmac-sha2-256")),
            ("kex", ("ecdh-sha2-nistp521", "diffie-hellman-group14-sha1")),
            ("hostkey", ("rsa-sha2-512", "rsa-sha2-256")),
            ("authentication", ("password", "keyboard", "publickey")),
            ("publickey", ("ssh-ed25519", "rsa-sha2-512")),
        )
    ),
    (["ip ssh server algorithm kex ecdh-sha2-nistp521", "no ip ssh server algorithm kex"], ""),
    (
        ["ip ssh server algorithm encryption aes256-ctr aes128-ctr", "ip ssh server algorithm encryption aes192-ctr"],
        "<ip><ssh><server><algorithm><encryption><aes192-ctr/></encryption></algorithm></server></ssh></ip>",
    ),
    (
        ["ip ssh client algorithm encryption aes128-ctr"],
        "<ip><ssh><client><algorithm><encryption><aes128-ctr/></encryption></algorithm></client></ssh></ip>",
    ),
    (["ip ssh maxstartups 10"], "<ip><ssh><maxstartups>10</maxstartups></ssh></ip>"),
    (
        ["ip ssh server peruser session limit 4"],
        "<ip><ssh><server><peruser><session><limit>4</limit></session></peruser></server></ssh></ip>",
    ),
    (["no ip ssh logging events"], "<ip><ssh><logging><events-enable>false</events-enable></logging></ssh></ip>"),
    (["ip ssh logging events"], "<ip><ssh><logging><events-enable>true</events-enable></logging></ssh></ip>"),
    (
        ["ip ssh source-interface Loopback300"],
        "<ip><ssh><source-interface-config><Loopback>300</Loopback></source-interface-config></ssh></ip>",
    ),
    (
        ["ip ssh source-interface Loopback 7"],
        "<ip><ssh><source-interface-config><Loopback>7</Loopback></source-interface-config></ssh></ip>",
    ),
    (
        ["ip ssh source-interface lo7", "ip ssh source-interface gi1/0/1"],
        "<ip><ssh><source-interface-config><GigabitEthernet>1/0/1</GigabitEthernet></source-interface-config>"
        "</ssh></ip>",
    ),
    (["ip ssh bulk-mode"], "<ip><ssh><bulk-mode/></ssh></ip>"),
    (["ip ssh bulk-mode 131072"], "<ip><ssh><bulk-mode><window-size>131072</window-size></bulk-mode></ssh></ip>"),
    (["ip ssh bulk-mode 262144", "no ip ssh bulk-mode"], ""),
    (
        ["ip ssh port 2001 rotary 1 3"],
        "<ip><ssh><port><port-no>2001</port-no><low-rotary>1</low-rotary><high-rotary>3</high-rotary></port>"
        "</ssh></ip>",
    ),
    (["ip ssh dscp 46", "ip ssh precedence 5"], "<ip><ssh><dscp>46</dscp><precedence>5</precedence></ssh></ip>"),
    (["ip scp server enable"], "<ip><scp><server><enable/></server></scp></ip>"),
    (["ip scp server enable", "no ip scp server enable"], ""),
    (
        ["ip tacacs source-interface Loopback0"],
        f'<ip><tacacs xmlns="{AAA}"><source-interface><Loopback>0</Loopback></source-interface></tacacs></ip>',
    ),
    (
        ["ip radius source-interface Gi1 vrf Mgmt"],
        f'<ip><radius xmlns="{AAA}"><source-interface><GigabitEthernet>1</GigabitEthernet><vrf>Mgmt</vrf>'
        f"</source-interface></radius></ip>",
    ),
    (
        ["ip ssh pubkey-chain", " username mhubbard", f"  key-hash ssh-rsa {HASH}"],
        f"""<ip><ssh><pubkey-chain><username><name>mhubbard</name><key-hash><key-type>ssh-rsa</key-type>
        <key-hash-value>{HASH}</key-hash-value></key-hash></username></pubkey-chain></ssh></ip>""",
    ),
    (
        ["ip ssh pubkey-chain", " username U", f"  key-hash ssh-rsa {HASH.lower()} yourname@yourdomain.example"],
        f"""<ip><ssh><pubkey-chain><username><name>U</name><key-hash><key-type>ssh-rsa</key-type>
        <key-hash-value>{HASH}</key-hash-value><comment xmlns="{PRIV}">yourname@yourdomain.example</comment>
        </key-hash></username></pubkey-chain></ssh></ip>""",
    ),
    (
        ["ip ssh pubkey-chain", " username U", f"  key-hash ssh-rsa {HASH}", f"  no key-hash ssh-rsa {HASH}"],
        "<ip><ssh><pubkey-chain><username><name>U</name></username></pubkey-chain></ssh></ip>",
    ),
    (["ip ssh pubkey-chain", " username U", "  exit", " no username U"], ""),
    # the device's own ssh client: CLI-only on 17.12, so device-private (hidden from NETCONF)
    (["ip ssh stricthostkeycheck"], f'<ip><ssh><stricthostkeycheck xmlns="{PRIV}"/></ssh></ip>'),
    (["ip ssh stricthostkeycheck", "no ip ssh stricthostkeycheck"], ""),
    (
        ["ip ssh pubkey-chain", " server server1", "  key-hash ssh-rsa key1", f"  key-hash ssh-rsa {HASH.lower()} c"],
        f"""<ip><ssh><pubkey-chain><server xmlns="{PRIV}"><name>server1</name>
        <key-hash><key-type>ssh-rsa</key-type><key-hash-value>{HASH}</key-hash-value><comment>c</comment></key-hash>
        <key-hash><key-type>ssh-rsa</key-type><key-hash-value>key1</key-hash-value></key-hash>
        </server></pubkey-chain></ssh></ip>""",
    ),
    (
        ["ip ssh pubkey-chain", " server S", f"  key-hash ssh-rsa {HASH}", f"  no key-hash ssh-rsa {HASH}"],
        f'<ip><ssh><pubkey-chain><server xmlns="{PRIV}"><name>S</name></server></pubkey-chain></ssh></ip>',
    ),
    (["ip ssh pubkey-chain", " server S", "  key-hash ssh-rsa key1", "  exit", " no server S"], ""),
    (
        ["snmp-server host 10.1.1.1 public tty"],
        f"""<snmp-server><host-config xmlns="{SNMP}"><ip-community><ip-address>10.1.1.1</ip-address>
        <community-or-user>public</community-or-user><trap-enable><tty/></trap-enable></ip-community></host-config>
        </snmp-server>""",
    ),
    (
        ["snmp-server host 10.1.1.1 version 2c public udp-port 1162 tty"],
        f"""<snmp-server><host-config xmlns="{SNMP}"><ip-community-port><ip-address>10.1.1.1</ip-address>
        <community-or-user>public</community-or-user><udp-port>1162</udp-port><version>2c</version>
        <trap-enable><tty/></trap-enable></ip-community-port></host-config></snmp-server>""",
    ),
    (
        ["snmp-server host 10.1.1.1 vrf Mgmt informs version 3 priv user1 config"],
        f"""<snmp-server><host-config xmlns="{SNMP}"><ip-vrf-community><ip-address>10.1.1.1</ip-address><vrf>Mgmt</vrf>
        <community-or-user>user1</community-or-user><informs/><version>3</version><security-level>priv</security-level>
        <trap-enable><config/></trap-enable></ip-vrf-community></host-config></snmp-server>""",
    ),
    (["snmp-server host 10.1.1.1 public tty", "no snmp-server host 10.1.1.1 public"], ""),
    (
        ["snmp-server host 10.1.1.1 vrf V traps version 1 c1 udp-port 2000"],
        f"""<snmp-server><host-config xmlns="{SNMP}"><ip-vrf-community-port><ip-address>10.1.1.1</ip-address>
        <vrf>V</vrf>
        <community-or-user>c1</community-or-user><udp-port>2000</udp-port><traps/><version>1</version>
        </ip-vrf-community-port></host-config></snmp-server>""",
    ),
    (
        ["snmp-server enable traps tty"],
        f'<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps><tty/></traps></enable-choice></enable>'
        f"</snmp-server>",
    ),
    (
        ["snmp-server enable traps"],
        f'<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps/></enable-choice></enable></snmp-server>',
    ),
    (
        ["snmp-server enable traps snmp"],
        f"""<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps><snmp><authentication/><coldstart/><linkdown/>
        <linkup/><warmstart/></snmp></traps></enable-choice></enable></snmp-server>""",
    ),
    (
        ["snmp-server enable traps snmp linkup", "snmp-server enable traps tty", "no snmp-server enable traps snmp"],
        f'<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps><tty/></traps></enable-choice></enable>'
        f"</snmp-server>",
    ),
    (["snmp-server enable traps tty", "no snmp-server enable traps"], ""),
    (
        [
            "snmp-server community public RO 10",
            "snmp-server location Server room 2",
            "snmp-server contact ops@example.com",
        ],
        f"""<snmp-server><community-config xmlns="{SNMP}"><name>public</name><permission>ro</permission>
        <access-list-name>10</access-list-name></community-config><contact xmlns="{SNMP}">ops@example.com</contact>
        <location xmlns="{SNMP}">Server room 2</location></snmp-server>""",
    ),
    (
        [
            "snmp-server trap-source Loopback0",
            "snmp-server chassis-id CH 1",
            "snmp-server trap timeout 30",
            "snmp-server enable informs",
        ],
        f"""<snmp-server><chassis-id xmlns="{SNMP}">CH 1</chassis-id><enable xmlns="{SNMP}"><enable-choice><informs/>
        </enable-choice></enable><trap xmlns="{SNMP}"><timeout>30</timeout></trap>
        <trap-source xmlns="{SNMP}"><Loopback>0</Loopback></trap-source></snmp-server>""",
    ),
    (
        ["line vty 0 4", " transport input ssh", " login authentication VTY", " exec-timeout 10 0"],
        """<line><vty><first>0</first><last>4</last><exec-timeout><minutes>10</minutes><seconds>0</seconds>
        </exec-timeout>
        <login><authentication>VTY</authentication></login><transport><input><input>ssh</input></input></transport>
        </vty></line>""",
    ),
    (
        ["line vty 0 4", " transport input telnet ssh", " transport input ssh"],
        "<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty>"
        "</line>",
    ),
    (
        ["line vty 0 4", " transport input telnet ssh"],
        "<line><vty><first>0</first><last>4</last><transport><input><input>telnet</input><input>ssh</input>"
        "</input></transport></vty></line>",
    ),
    (
        ["line vty 0 4", " transport input all", " no transport input"],
        "<line><vty><first>0</first><last>4</last></vty></line>",
    ),
    (
        ["line vty 5 6", " rotary 1", "ip ssh port 2001 rotary 1 3", "line vty 7 8", " rotary 2", " no rotary"],
        "<line><vty><first>5</first><last>6</last><rotary>1</rotary></vty><vty><first>7</first><last>8</last></vty>"
        "</line><ip><ssh><port><port-no>2001</port-no><low-rotary>1</low-rotary><high-rotary>3</high-rotary></port>"
        "</ssh></ip>",
    ),
    (
        [
            "line vty 5 15",
            " login local",
            " privilege level 15",
            " password 7 030752180500",
            " logging synchronous",
            " session-timeout 30 output",
            " autocommand show version",
            " history size 50",
            " length 0",
            " width 132",
            " access-class 10 in vrf-also",
            " authorization exec VTY",
            " authorization commands 15 CMDS",
            " transport output ssh",
            " transport preferred none",
            " location rack 4",
            " terminal-type vt100",
            " session-limit 2",
        ],
        """<line><vty><first>5</first><last>15</last>
        <authorization><commands><enable-level>15</enable-level><auth-name>CMDS</auth-name></commands>
        <exec><authorization-name>VTY</authorization-name></exec></authorization>
        <access-class><acccess-list><direction>in</direction><access-list>10</access-list><vrf-also/>
        </acccess-list></access-class>
        <autocommand><line>show version</line></autocommand><history><size>50</size></history><length>0</length>
        <location>rack 4</location><logging><synchronous/></logging><login><local/></login>
        <password><type>7</type><secret>030752180500</secret></password><privilege><level><number>15</number>
        </level></privilege>
        <session-limit>2</session-limit><session-timeout><session-timeout-value>30</session-timeout-value><output/>
        </session-timeout>
        <terminal-type>vt100</terminal-type><transport><output><output>ssh</output></output><preferred>
        <protocol>none</protocol></preferred></transport>
        <width>132</width></vty></line>""",
    ),
    (
        [
            "line vty 5 15",
            " login local",
            " exec-timeout 5",
            " history",
            " no login local",
            " no exec-timeout",
            " no history",
            " access-class 10 in",
            " no access-class 10 in",
        ],
        "<line><vty><first>5</first><last>15</last></vty></line>",
    ),
    (
        ["line console 0", " exec-timeout 0 0", " logging synchronous"],
        "<line><console><first>0</first><exec-timeout><minutes>0</minutes><seconds>0</seconds></exec-timeout>"
        "<logging><synchronous/></logging></console></line>",
    ),
    (["line vty 5 15", "no line vty 5 15"], ""),
    # management services: line aux, stopbits, clock, name servers, ip http, ntp, netconf-yang
    (["line aux 0", " stopbits 1"], "<line><aux><first>0</first><stopbits>1</stopbits></aux></line>"),
    (["line aux 0", " stopbits 1", " no stopbits", "no line aux 0"], ""),
    (["clock timezone EST -5", "no clock timezone"], ""),
    (["clock summer-time EDT recurring 2 Sun Mar 2:00 1 Sun Nov 2:00", "no clock summer-time"], ""),
    (
        ["clock timezone IST 5 30"],
        "<clock><timezone><zone>IST</zone><hours>5</hours><minutes>30</minutes></timezone></clock>",
    ),
    (
        ["ip host r2 127.0.0.2 ::1"],
        "<ip><host><host-list><name>r2</name><ip-list>127.0.0.2</ip-list><ip-list>::1</ip-list></host-list></host></ip>",
    ),
    (
        ["ip host r2 127.0.0.2", "ip host r2 127.0.0.3 127.0.0.2"],
        "<ip><host><host-list><name>r2</name><ip-list>127.0.0.2</ip-list><ip-list>127.0.0.3</ip-list></host-list>"
        "</host></ip>",
    ),
    (["ip host r2 127.0.0.2", "ip host r3 127.0.0.3", "no ip host r2", "no ip host r3 127.0.0.3"], ""),
    (
        ["ip host vrf Mgmt-intf r2 127.0.0.2"],
        "<ip><host><vrf><vrf-name>Mgmt-intf</vrf-name><host-name><host-name>r2</host-name><ip-list>127.0.0.2</ip-list>"
        "</host-name></vrf></host></ip>",
    ),
    (["ip host vrf V r2 127.0.0.2", "no ip host vrf V r2"], ""),
    (
        ["ip host r2 2001 127.0.0.2"],  # the telnet port, which no 17.12.1 model has: device-private
        f'<ip><host><host-list><name>r2</name><port xmlns="{PRIV}">2001</port><ip-list>127.0.0.2</ip-list></host-list>'
        "</host></ip>",
    ),
    (["ip name-server 127.0.0.1 127.0.0.2", "no ip name-server"], ""),
    (["ip name-server vrf V 127.0.0.1", "no ip name-server vrf V"], ""),
    (["ip forward-protocol nd"], "<ip><forward-protocol><protocol>nd</protocol></forward-protocol></ip>"),
    (["ip forward-protocol nd", "no ip forward-protocol nd"], ""),
    (["no ip http server"], f'<ip><http xmlns="{HTTP}"><server>false</server></http></ip>'),
    (["ip http server"], f'<ip><http xmlns="{HTTP}"><server>true</server></http></ip>'),
    (["ip http secure-server"], f'<ip><http xmlns="{HTTP}"><secure-server>true</secure-server></http></ip>'),
    (
        ["ip http secure-server", "no ip http secure-server"],
        f'<ip><http xmlns="{HTTP}"><secure-server>false</secure-server></http></ip>',
    ),
    (["ip http authentication local", "no ip http authentication local"], ""),
    (["ip http client source-interface Gi1", "no ip http client source-interface Gi1"], ""),
    (["ntp source Loopback0", "no ntp source Loopback0"], ""),
    (
        ["ntp server 127.0.0.1 key 2 prefer"],
        f"""<ntp><server xmlns="{NTP}"><server-list><ip-address>127.0.0.1</ip-address><key>2</key><prefer/>
        </server-list></server></ntp>""",
    ),
    (["ntp server 127.0.0.1 prefer", "no ntp server 127.0.0.1"], ""),
    (["netconf-yang", "no netconf-yang"], ""),
    (
        ["netconf-yang feature candidate-datastore", "no netconf-yang feature candidate-datastore"],
        f'<netconf-yang xmlns="{PRIV}"/>',
    ),
    (["restconf", "no restconf"], ""),
    (  # beside native (Cisco-IOS-XE-gnmi-cfg): tests/device/cli_map/test_gnmi_table.py checks the tree and text
        [
            "gnmi-yang",
            "gnmi-yang server",
            "gnmi-yang port 50000",
            "gnmi-yang secure-trustpoint tp1",
            "gnmi-yang secure-server",
            "gnmi-yang secure-client-auth",
            "gnmi-yang secure-peer-trustpoint tp2",
            "gnmi-yang secure-port 9400",
            "gnmi-yang secure-password-authentication",
            "no gnmi-yang secure-server",
            "no gnmi-yang port 50000",
            "no gnmi-yang",
        ],
        "",
    ),
    (
        [
            "crypto key pubkey-chain rsa",
            " addressed-key 10.1.1.9 encryption",
            "  serial-number 12345",
            "  key-string",
            "   30819f30",
            "  quit",
            "  no key-string",
        ],
        f"""<crypto><key xmlns="{CRYPTO}"><pubkey-chain><rsa><addressed-key><ip>10.1.1.9</ip><use>encryption</use>
        <serial-number>12345</serial-number></addressed-key></rsa></pubkey-chain></key></crypto>""",
    ),
    (
        [
            "crypto key pubkey-chain rsa",
            " named-key R2.example.com signature",
            "  address 10.1.1.2",
            "  key-string",
            "   30819F30 0D06092A 864886F7",
            "   0d010101",
            "  quit",
        ],
        f"""<crypto><key xmlns="{CRYPTO}"><pubkey-chain><rsa><named-key><name>R2.example.com</name><use>signature</use>
        <address>10.1.1.2</address><key-string><hex-data>30819F300D06092A864886F70D010101</hex-data></key-string>
        </named-key></rsa></pubkey-chain></key></crypto>""",
    ),
    # interfaces, vrf definition, ip route
    (
        ["vrf definition V", " description Lab VRF", " rd 65000:1", " address-family ipv4", " exit-address-family"],
        "<vrf><definition><name>V</name><description>Lab VRF</description><rd>65000:1</rd>"
        "<address-family><ipv4/></address-family></definition></vrf>",
    ),
    (["vrf definition V", " address-family ipv6", " no description", " no rd", "no vrf definition V"], ""),
    (
        ["vrf definition V", " address-family ipv4", " exit", " no address-family ipv4"],
        "<vrf><definition><name>V</name></definition></vrf>",
    ),
    (
        ["vrf definition V", " address-family ipv6", " exit", " no address-family ipv6"],
        "<vrf><definition><name>V</name></definition></vrf>",
    ),
    (
        ["interface Gi1", " description Uplink", " mtu 9000", " vrf forwarding V", " ip address 127.0.0.1 255.0.0.0"],
        "<interface><GigabitEthernet><name>1</name><description>Uplink</description><vrf><forwarding>V</forwarding></vrf>"
        "<ip><address><primary><address>127.0.0.1</address><mask>255.0.0.0</mask></primary></address></ip>"
        "<mtu>9000</mtu></GigabitEthernet></interface>",
    ),
    (
        [
            "interface Gi1",
            " description X",
            " mtu 9000",
            " vrf forwarding V",
            " no description",
            " no mtu",
            " no vrf forwarding",
        ],
        "<interface><GigabitEthernet><name>1</name></GigabitEthernet></interface>",
    ),
    (
        ["int gi 1", " ip address 127.0.0.2 255.0.0.0 secondary", " ip address dhcp"],
        "<interface><GigabitEthernet><name>1</name><ip><address><dhcp/></address></ip></GigabitEthernet></interface>",
    ),
    (
        ["int gi 1", " ip address 127.0.0.2 255.0.0.0 secondary", " ip address 127.0.0.1 255.0.0.0"],
        "<interface><GigabitEthernet><name>1</name><ip><address><secondary><address>127.0.0.2</address>"
        "<mask>255.0.0.0</mask><secondary/></secondary><primary><address>127.0.0.1</address><mask>255.0.0.0</mask>"
        "</primary></address></ip></GigabitEthernet></interface>",
    ),
    (
        [
            "int gi 1",
            " ip address 127.0.0.1 255.0.0.0",
            " ip address 127.0.0.2 255.0.0.0 secondary",
            " no ip address 127.0.0.2 255.0.0.0 secondary",
            " no ip address",
        ],
        "<interface><GigabitEthernet><name>1</name></GigabitEthernet></interface>",
    ),
    (
        [
            "interface TenGigabitEthernet1/1/1",
            " shutdown",
            " speed 1000",
            " speed 100",
            " duplex full",
            " no negotiation auto",
        ],
        f'<interface><TenGigabitEthernet><name>1/1/1</name><shutdown/><speed xmlns="{ETH}"><value-100/></speed>'
        f'<duplex xmlns="{ETH}">full</duplex><negotiation xmlns="{ETH}"><auto>false</auto></negotiation>'
        "</TenGigabitEthernet></interface>",
    ),
    (
        [
            "interface Gi2",
            " shutdown",
            " speed auto",
            " duplex auto",
            " no shutdown",
            " no speed",
            " no duplex",
            " negotiation auto",
        ],
        f'<interface><GigabitEthernet><name>2</name><negotiation xmlns="{ETH}"><auto>true</auto></negotiation>'
        "</GigabitEthernet></interface>",
    ),
    (
        ["interface Vlan10", " ipv6 address 2001:DB8::1/64", " ipv6 enable", " no mop enabled", " mop sysid"],
        "<interface><Vlan><name>10</name><ipv6><address><prefix-list><prefix>2001:DB8::1/64</prefix></prefix-list>"
        "</address><enable/></ipv6><mop><enabled>false</enabled><sysid>true</sysid></mop></Vlan></interface>",
    ),
    (
        [
            "interface Loopback0",
            " ipv6 address 2001:DB8::1/64",
            " ipv6 enable",
            " mop enabled",
            " no mop sysid",
            " no ipv6 address 2001:DB8::1/64",
            " no ipv6 enable",
        ],
        "<interface><Loopback><name>0</name><mop><enabled>true</enabled><sysid>false</sysid></mop></Loopback></interface>",
    ),
    (["interface Loopback0", "no interface Loopback0", "interface Po1", "exit", "no interface Po1"], ""),
    (
        ["interface Gi2.11", " encapsulation dot1Q 11 native", " encapsulation dot1Q 12"],
        "<interface><GigabitEthernet><name>2.11</name><encapsulation><dot1Q><vlan-id>12</vlan-id></dot1Q>"
        "</encapsulation></GigabitEthernet></interface>",
    ),
    (["interface Gi2.11", " encapsulation dot1Q 11 native", " no encapsulation dot1Q", "no interface Gi2.11"], ""),
    (
        ["interface Vlan1", " ip address 127.0.0.1 255.0.0.0", " ip address dhcp", " no ip address"],
        "<interface><Vlan><name>1</name></Vlan></interface>",
    ),
    (
        [
            "interface AppGigabitEthernet1/0/1",
            "interface Hu1/0/49",
            "interface Fo1/1/1",
            "interface TwentyFiveGigE1/1/1",
        ],
        "<interface><AppGigabitEthernet><name>1/0/1</name></AppGigabitEthernet><TwentyFiveGigE><name>1/1/1</name>"
        "</TwentyFiveGigE><FortyGigabitEthernet><name>1/1/1</name></FortyGigabitEthernet><HundredGigE><name>1/0/49</name>"
        "</HundredGigE></interface>",
    ),
    (
        ["interface Two1/0/1", "interface Fi1/0/2"],
        "<interface><TwoGigabitEthernet><name>1/0/1</name></TwoGigabitEthernet><FiveGigabitEthernet><name>1/0/2</name>"
        "</FiveGigabitEthernet></interface>",
    ),
    (
        ["ip route 0.0.0.0 0.0.0.0 127.0.0.1 5 name GW tag 7 permanent"],
        "<ip><route><ip-route-interface-forwarding-list><prefix>0.0.0.0</prefix><mask>0.0.0.0</mask><fwd-list>"
        "<fwd>127.0.0.1</fwd><metric>5</metric><name>GW</name><permanent/><tag>7</tag></fwd-list>"
        "</ip-route-interface-forwarding-list></route></ip>",
    ),
    (
        ["ip route 127.1.0.0 255.255.0.0 Gi1 127.0.0.1 200 name X", "ip route 127.1.0.0 255.255.0.0 Gi1 127.0.0.1"],
        "<ip><route><ip-route-interface-forwarding-list><prefix>127.1.0.0</prefix><mask>255.255.0.0</mask><fwd-list>"
        "<fwd>GigabitEthernet1</fwd><interface-next-hop><ip-address>127.0.0.1</ip-address></interface-next-hop>"
        "</fwd-list></ip-route-interface-forwarding-list></route></ip>",
    ),
    (
        ["ip route vrf V 127.2.0.0 255.255.0.0 null0 tag 3", "ip route vrf V 127.3.0.0 255.255.0.0 Lo0 127.0.0.9 9"],
        "<ip><route><vrf><name>V</name><ip-route-interface-forwarding-list><prefix>127.2.0.0</prefix>"
        "<mask>255.255.0.0</mask><fwd-list><fwd>Null0</fwd><tag>3</tag></fwd-list></ip-route-interface-forwarding-list>"
        "<ip-route-interface-forwarding-list><prefix>127.3.0.0</prefix><mask>255.255.0.0</mask><fwd-list>"
        "<fwd>Loopback0</fwd><interface-next-hop><ip-address>127.0.0.9</ip-address><metric>9</metric>"
        "</interface-next-hop></fwd-list></ip-route-interface-forwarding-list></vrf></route></ip>",
    ),
    (
        [
            "ip route 0.0.0.0 0.0.0.0 127.0.0.1",
            "ip route 0.0.0.0 0.0.0.0 127.0.0.2",
            "no ip route 0.0.0.0 0.0.0.0 127.0.0.1",
        ],
        "<ip><route><ip-route-interface-forwarding-list><prefix>0.0.0.0</prefix><mask>0.0.0.0</mask>"
        "<fwd-list><fwd>127.0.0.2</fwd></fwd-list></ip-route-interface-forwarding-list></route></ip>",
    ),
    (
        ["interface Gi1", " ipv6 address 2001:db8:a::1/64"],
        "<interface><GigabitEthernet><name>1</name><ipv6><address>"
        "<prefix-list><prefix>2001:db8:a::1/64</prefix></prefix-list></address></ipv6></GigabitEthernet></interface>",
    ),
    (
        [
            "ip route 0.0.0.0 0.0.0.0 Gi1 127.0.0.1",
            "no ip route 0.0.0.0 0.0.0.0 Gi1 127.0.0.1",
            "ip route vrf V 0.0.0.0 0.0.0.0 127.0.0.1",
            "no ip route vrf V 0.0.0.0 0.0.0.0 127.0.0.1",
            "ip route vrf V 0.0.0.0 0.0.0.0 Gi1 127.0.0.1",
            "no ip route vrf V 0.0.0.0 0.0.0.0 Gi1 127.0.0.1",
        ],
        "",
    ),
    # system lines: each typed and undone by its no form; the stored shapes in test_system_table.py
    *(
        ([line, f"no {line}"], "")
        for line in (
            "boot system bootflash:packages.conf",
            "boot system flash bootflash:old.bin",
            "service tcp-keepalives-in",
            "service tcp-keepalives-out",
            "service timestamps",
            "service password-encryption",
            "service internal",
            "service call-home",
            "platform qfp utilization monitor load 80",
            "platform sslvpn use-pd",
            "platform console serial",
            "logging buffered 64000 informational",
            "logging trap notifications",
            "logging facility local5",
            "logging source-interface Loopback0",
            "logging source-interface Gi2 vrf V",
            "logging host 127.0.0.61",
            "logging host 127.0.0.62 transport udp port 1514",
            "logging host 127.0.0.63 vrf V",
            "logging host 127.0.0.64 vrf V transport udp port 1514",
            "subscriber templating",
            "multilink bundle-name authenticated",
            "license udi pid C8000V sn 9W11KIW7FTV",
            "license boot level network-advantage addon dna-advantage",
            "license smart transport smart",
            "license smart url default",
            "license smart url cslu http://127.0.0.1/cslu",
            "memory free low-watermark processor 63709",
            "memory free low-watermark IO 12000",
            "diagnostic bootup level minimal",
            "redundancy",
            "control-plane",
        )
    ),
    (["service timestamps debug datetime msec", "no service timestamps debug"], "<service><timestamps/></service>"),
    (["service timestamps log uptime", "no service timestamps log"], "<service><timestamps/></service>"),
    (["no service pad"], "<service><pad-conf><pad>false</pad></pad-conf></service>"),
    (["no service pad", "service pad"], "<service><pad-conf><pad>true</pad></pad-conf></service>"),
    (
        ["platform punt-keepalive disable-kernel-core"],
        f'<platform><punt-keepalive xmlns="{PLT}"><disable-kernel-core>true</disable-kernel-core></punt-keepalive>'
        "</platform>",
    ),
    (
        ["no logging console", "logging console 3"],
        "<logging><console-config><common-config><console><severity>errors</severity></console></common-config>"
        "</console-config></logging>",
    ),
    (
        ["no platform punt-keepalive disable-kernel-core"],
        f'<platform><punt-keepalive xmlns="{PLT}"><disable-kernel-core>false</disable-kernel-core></punt-keepalive>'
        "</platform>",
    ),
    (["no logging console"], "<logging><console-config><console>false</console></console-config></logging>"),
    (
        ["logging monitor 4", "no logging monitor"],
        "<logging><monitor-config><monitor>false</monitor></monitor-config></logging>",
    ),
    (
        [
            "call-home",
            " contact-email-addr a@example.com",
            ' profile "CiscoTAC-1"',
            "  no active",
            "  destination transport-method email",
        ],
        f'<call-home><contact-email-addr xmlns="{CH}">a@example.com</contact-email-addr><tac-profile xmlns="{CH}">'
        "<profile><CiscoTAC-1><active>false</active><destination><transport-method>email</transport-method>"
        "</destination></CiscoTAC-1></profile></tac-profile></call-home>",
    ),
    (
        [
            "call-home",
            " contact-email-addr a@example.com",
            " profile CiscoTAC-1",
            "  active",
            "  no active",
            "  exit",
            " no contact-email-addr a@example.com",
        ],
        f'<call-home><tac-profile xmlns="{CH}"><profile><CiscoTAC-1><active>false</active></CiscoTAC-1></profile>'
        "</tac-profile></call-home>",
    ),
]


@pytest.mark.parametrize(("lines", "expected"), CASES, ids=[" | ".join(c[0])[:70] for c in CASES])
def test_command(trees: Any, lines: list[str], expected: str) -> None:
    tree, _ = typed(trees, lines)
    same(trees, tree, expected)


def test_every_command_and_no_form_is_covered_by_a_case() -> None:
    """Each command of the table, and each ``no`` form, is typed in CASES (the input-only and no-op ones and the
    per-type ``snmp-server enable traps X`` lines, which share one shape, aside)."""
    seen: set[tuple[str, bool]] = set()
    for lines, _ in CASES:
        mode = CONFIG_MODE
        for line in lines:
            found = identify(line, mode)
            if found is not None:
                seen.add(found)
            mode = parse_line(line, mode, None).mode
    for cmd in COMMANDS:
        if cmd.noop or cmd.fixed or cmd.id.startswith("snmp-enable-traps-"):
            continue
        if not cmd.parse_only:
            assert (cmd.id, False) in seen or cmd.collect, cmd.id
    negated = {cid for cid, neg in seen if neg}
    assert len(negated) >= 25, sorted(negated)


# -- abbreviations, ambiguity, errors -------------------------------------------------------------------------------
def test_abbreviations(trees: Any) -> None:
    tree, _ = typed(trees, ["ho R1", "ip ssh time 60", "usern bob priv 15 sec 0 x", "ip ssh ver 2", "aaa new"])
    same(
        trees,
        tree,
        f"""<hostname>R1</hostname><aaa><new-model xmlns="{AAA}"/></aaa>
        <username><name>bob</name><privilege>15</privilege><secret><encryption>0</encryption><secret>x</secret>
        </secret></username>
        <ip><ssh><time-out>60</time-out><ssh-version>2</ssh-version></ssh></ip>""",
    )
    tree, _ = typed(trees, ["aaa authe log default gr tacacs+ local", "line vty 0 4", "tr in ss tel"])
    same(
        trees,
        tree,
        f"""<aaa><authentication xmlns="{AAA}"><login><name>default</name><a1><group>tacacs+</group></a1><a2>
        <local/></a2>
        </login></authentication></aaa><line><vty><first>0</first><last>4</last><transport><input><input>ssh</input>
        <input>telnet</input></input></transport></vty></line>""",
    )


def test_group_and_list_names_that_abbreviate_keywords_stay_names(trees: Any) -> None:
    tree, _ = typed(trees, ["aaa group server tacacs+ TAC", "aaa authentication login def group TAC group rad local"])
    same(
        trees,
        tree,
        f"""<aaa><group xmlns="{AAA}"><server><tacacsplus><name>TAC</name></tacacsplus></server></group>
        <authentication xmlns="{AAA}"><login><name>def</name><a1><group>TAC</group></a1><a2><group>rad</group></a2>
        <a3><local/></a3></login></authentication></aaa>""",
    )
    assert "aaa authentication login def group TAC group rad local\n" in render_config(tree)


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("a", CliError("ambiguous", 0)),  # aaa, access-list, alias, archive … (reference §3.3)
        ("ip ssh s", CliError("ambiguous", 7)),  # source-interface, server
        ("ip ssh server algorithm encryption aes", CliError("ambiguous", 35)),
        ("aaa authentication login default loc", CliError("ambiguous", 33)),  # local, local-case
        ("ip ssh tme-out 60", CliError("invalid", 8)),  # under the 'm'
        ("ip ssh time-out 200", CliError("invalid", 16)),  # out of 1-120: under the number
        ("ip ssh version 1", CliError("invalid", 15)),  # 17.12 knows only 2
        ("ip ssh authentication-retries 6", CliError("invalid", 30)),
        ("hostnamex R1", CliError("invalid", 8)),
        ("ipv6 nd raquard", CliError("invalid", 10)),  # not a real 17.12 command: caret under 'q' (CLI ref. §3.3)
        ("show version", CliError("invalid", 2)),  # not a configuration command: caret under 'o' (real 16.12 capture)
        ("hostname R1 R2", CliError("invalid", 12)),
        ("username bob privilege 16", CliError("invalid", 23)),
        ("ip ssh source-interface Foo0", CliError("invalid", 24)),
        ("username", CliError("incomplete", 8)),
        ("ip ssh time-out", CliError("incomplete", 15)),
        ("username bob privilege", CliError("incomplete", 22)),
        ("no", CliError("incomplete", 2)),
        ("aaa authentication login default", CliError("incomplete", 32)),
    ],
)
def test_errors(line: str, error: CliError) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error == error
    assert result.edit is None
    assert result.mode == CONFIG_MODE


def test_caret_output_as_ios_prints_it() -> None:
    prompt = "csr1000v(config)#"
    line = "ip ssh tme-out 60"
    error = parse_line(line, CONFIG_MODE, None).error
    assert error is not None
    assert format_error(prompt, line, error) == [
        " " * (len(prompt) + 8) + "^",
        "% Invalid input detected at '^' marker.",
        "",
    ]
    assert format_error(prompt, "enable", CliError("incomplete")) == ["% Incomplete command.", ""]
    assert format_error("R1(config)#", "a", CliError("ambiguous")) == ['% Ambiguous command:  "a"']


def test_errors_in_sub_modes_keep_the_mode(trees: Any) -> None:
    _, mode = typed(trees, ["line vty 0 4"])
    result = parse_line(" exec-timeout", mode, None)
    assert result.error == CliError("incomplete", 13) and result.mode == mode
    result = parse_line(" exec-timeout 99999999", mode, None)
    assert result.error == CliError("invalid", 14) and result.mode == mode
    # a global command whose error is further right wins over the sub-mode's
    result = parse_line("hostnam3 R1", mode, None)
    assert result.error == CliError("invalid", 7)
    # the console has no incoming transport in 17.x
    _, con = typed(trees, ["line con 0"])
    assert parse_line("transport input ssh", con, None).error == CliError("invalid", 10)


# -- modes ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lines", "name", "keys"),
    [
        (["line vty 0 4"], "config-line", ("0",)),
        (["line con 0"], "config-line", ("0",)),
        (["ip ssh pubkey-chain"], "conf-ssh-pubkey", ()),
        (["ip ssh pubkey-chain", "username user1"], "conf-ssh-pubkey-user", ("user1",)),
        (["ip ssh pubkey-chain", "username user1", "key-string"], "conf-ssh-pubkey-data", ("user1",)),
        (["ip ssh pubkey-chain", "server server1"], "conf-ssh-pubkey-server", ("server1",)),
        (["ip ssh pubkey-chain", "server server1", "key-string"], "conf-ssh-pubkey-data", ("server1",)),
        (["aaa group server tacacs+ G"], "config-sg-tacacs+", ("G",)),
        (["tacacs server T"], "config-server-tacacs", ("T",)),
        (["aaa group server radius R"], "config-sg-radius", ("R",)),
        (["radius server R"], "config-radius-server", ("R",)),
        (["crypto key pubkey-chain rsa"], "config-pubkey-chain", ()),
        (["crypto key pubkey-chain rsa", "named-key K"], "config-pubkey-key", ("K",)),
        (["crypto key pubkey-chain rsa", "addressed-key 10.0.0.1", "key-string"], "config-pubkey", ("10.0.0.1",)),
        (["ip ssh pubkey-chain", "username user1", "exit"], "conf-ssh-pubkey", ()),
        (["ip ssh pubkey-chain", "username user1", "exit", "exit"], "config", ()),
        (["line vty 0 4", "exit"], "config", ()),
        (["line vty 0 4", "hostname R2"], "config", ()),  # a global command leaves the sub-mode
        (["line vty 0 4", "line vty 5 15"], "config-line", ("5",)),
        (["ip ssh pubkey-chain", "username u", "ip ssh time-out 5"], "config", ()),
        (["ip ssh pubkey-chain", "username u", "username v"], "conf-ssh-pubkey-user", ("v",)),
        (["line vty 0 4", "end"], "exec", ()),
        (["exit"], "exec", ()),
        (["ip ssh pubkey-chain", "username u", "key-string", "end"], "exec", ()),
    ],
)
def test_mode_transitions(trees: Any, lines: list[str], name: str, keys: tuple[str, ...]) -> None:
    _, mode = typed(trees, lines)
    assert (mode.name, mode.keys) == (name, keys)
    assert mode.prompt_suffix == ("" if name == "exec" else f"({name})")


def test_exit_walks_back_up(trees: Any) -> None:
    _, mode = typed(trees, ["ip ssh pubkey-chain", "username u", "key-string"])
    assert mode.parent is not None and mode.parent.name == "conf-ssh-pubkey-user"
    assert mode.parent.parent is not None and mode.parent.parent.name == "conf-ssh-pubkey"
    assert parse_line("exit", CONFIG_MODE, None).mode == EXEC_MODE


# -- key-string -> key-hash -----------------------------------------------------------------------------------------
def _key_hash(trees: Any, data_lines: list[str], user: str = "user1") -> str | None:
    tree, mode = typed(trees, ["ip ssh pubkey-chain", f"username {user}", "key-string", *data_lines, "exit"])
    assert mode.name == "conf-ssh-pubkey-user"
    return trees.text(
        tree,
        f"ios:native/ios:ip/ios:ssh/ios:pubkey-chain/ios:username[ios:name='{user}']/ios:key-hash/ios:key-hash-value",
    )


def test_key_string_becomes_key_hash(trees: Any) -> None:
    # Ansible ios_user's vector (CLI reference §4)
    assert _key_hash(trees, ["dGVzdA=="]) == "098F6BCD4621D373CADE4E832627B4F6"
    # a real-shaped RSA blob pasted over several lines, with the ssh-rsa prefix and a trailing comment
    blob = b"\x00\x00\x00\x07ssh-rsa" + bytes(range(256)) * 2
    text = base64.b64encode(blob).decode()
    lines = ["ssh-rsa " + text[:70], *[text[i : i + 70] for i in range(70, len(text), 70)]]
    lines[-1] += " yourname@yourdomain.example"
    assert _key_hash(trees, lines) == hashlib.md5(blob).hexdigest().upper()


def test_key_string_that_does_not_decode(trees: Any) -> None:
    tree, mode = typed(trees, ["ip ssh pubkey-chain", "username user1", "key-string", "not*base64!"])
    result = parse_line("exit", mode, tree)
    assert result.error == CliError("failed", 0, "%SSH: Failed to decode the Key Value")
    assert format_error("R1(conf-ssh-pubkey-data)#", "exit", result.error) == ["%SSH: Failed to decode the Key Value"]
    assert result.mode.name == "conf-ssh-pubkey-user"
    assert result.edit is None


def test_guide_key_hash_typed_in_the_data_mode(trees: Any) -> None:
    """The guide types ``key-hash ssh-rsa key1`` right after ``key-string`` and leaves with ``end``."""
    tree, mode = typed(trees, ["hostname host1", "ip domain-name name1", "ip ssh pubkey-chain", "username user1",
                             "key-string", "key-hash ssh-rsa key1", "end"])  # fmt: skip
    assert mode == EXEC_MODE
    assert "  username user1\n   key-hash ssh-rsa key1 \n" in render_config(tree)


def test_pubkey_server_keys_are_stored_as_the_guide_types_them(trees: Any) -> None:
    tree, mode = typed(trees, ["ip ssh pubkey-chain", "server server1", "key-string", "dGVzdA==", "exit",
                             "key-hash ssh-rsa key1", "end"])  # fmt: skip
    assert mode == EXEC_MODE
    hashes = "".join(
        f"<key-hash><key-type>ssh-rsa</key-type><key-hash-value>{h}</key-hash-value></key-hash>"
        for h in ("098F6BCD4621D373CADE4E832627B4F6", "key1")  # MD5 of the key blob 'test', then as typed
    )
    same(trees, tree, f'<ip><ssh><pubkey-chain><server xmlns="{PRIV}"><name>server1</name>{hashes}</server>'
                      "</pubkey-chain></ssh></ip>")  # fmt: skip


def test_at_most_two_keys_per_user_is_the_schemas_job(trees: Any) -> None:
    lines = ["ip ssh pubkey-chain", "username u"] + [f"key-hash ssh-rsa {i:032X}" for i in range(3)]
    edit, errors = parse_config_text("\n".join(lines))
    assert not errors
    assert len(edit.findall(f".//{N}key-hash")) == 3
    assert not trees.valid(trees.apply(trees.empty(), edit))  # max-elements 2: validation refuses it


# -- secrets --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("algorithm", "kind", "prefix"), [("scrypt", "9", "$9$"), ("sha256", "8", "$8$"), ("md5", "5", "$1$")]
)
def test_algorithm_type_secrets_are_hashed(trees: Any, algorithm: str, kind: str, prefix: str) -> None:
    tree, _ = typed(trees, [f"username bob privilege 15 algorithm-type {algorithm} secret BunkerSSH!"])
    assert trees.text(tree, "ios:native/ios:username/ios:secret/ios:encryption") == kind
    stored = trees.text(tree, "ios:native/ios:username/ios:secret/ios:secret")
    assert stored is not None and stored.startswith(prefix)
    assert verify(kind, stored, "BunkerSSH!")
    tree, _ = typed(trees, ["enable algorithm-type scrypt secret cisco"])
    stored = trees.text(tree, "ios:native/ios:enable/ios:secret/ios:secret")
    assert trees.text(tree, "ios:native/ios:enable/ios:secret/ios:type") == "9"
    assert stored is not None and verify("9", stored, "cisco")


# -- no forms on what is not there; purity --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line", ["no username ghost", "no ip ssh time-out", "no aaa new-model", "no ip scp server enable"]
)
def test_no_form_of_absent_config_changes_nothing(line: str) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error is None and result.edit is None


def test_parse_does_not_touch_running(trees: Any) -> None:
    tree, _ = typed(trees, ["ip ssh time-out 60", "username bob privilege 15"])
    before = etree.tostring(tree)
    for line in ("no ip ssh time-out", "no username bob", "username bob secret 0 x", "ip ssh pubkey-chain"):
        parse_line(line, CONFIG_MODE, tree)
    assert etree.tostring(tree) == before


def test_no_keeps_presence_containers(trees: Any) -> None:
    tree, _ = typed(trees, ["snmp-server enable traps tty", "no snmp-server enable traps tty"])
    same(
        trees,
        tree,
        f'<snmp-server><enable xmlns="{SNMP}"><enable-choice><traps/></enable-choice></enable></snmp-server>',
    )


# -- whole files ----------------------------------------------------------------------------------------------------
def test_config_file_with_errors_and_without_indentation(trees: Any) -> None:
    text = """! AAA authentication and authorization must be configured properly in order for SCP to work.
aaa new-model
aaa authentication login default local
aaa authorization exec default local
username user1 privilege 15 password 0 lab
! SSH must be configured and functioning properly.
ip ssh time-out 999
hostname
ip scp server enable
line vty 0 4
transport input ssh
ip ssh time-out 120
end
hostname ignored-after-end
"""
    edit, errors = parse_config_text(text)
    assert [(e.lineno, e.error.kind) for e in errors] == [(7, "invalid"), (8, "incomplete")]  # bad arguments
    tree = trees.apply(trees.empty(), edit)
    same(
        trees,
        tree,
        f"""<aaa><new-model xmlns="{AAA}"/>
        <authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>
        <authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization></aaa>
        <username><name>user1</name><privilege>15</privilege><password><encryption>0</encryption>
        <password>lab</password></password></username>
        <ip><scp><server><enable/></server></scp><ssh><time-out>120</time-out></ssh></ip>
        <line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty>
        </line>""",
    )


def test_config_file_lines_fold_in_order(trees: Any) -> None:
    running, _ = typed(trees, ["ip ssh time-out 60", "username old privilege 1", "ip ssh authentication-retries 2"])
    text = "\n".join(
        [
            "no ip ssh time-out",
            "ip ssh time-out 90",
            "no username old",
            "username old privilege 5",
            "ip ssh bulk-mode 200000",
            "no ip ssh bulk-mode",
            "ip ssh bulk-mode",
            "no ip ssh authentication-retries",
        ]
    )
    edit, errors = parse_config_text(text, running)
    assert not errors
    same(
        trees,
        trees.apply(running, edit),
        "<username><name>old</name><privilege>5</privilege></username><ip><ssh><time-out>90</time-out>"
        "<bulk-mode/></ssh></ip>",
    )


def test_show_output_pasted_as_a_file(trees: Any) -> None:
    from iosxe_agent.device.cli_map import render_running_config

    tree, _ = typed(trees, ["hostname R1", "ip ssh time-out 60"])
    edit, errors = parse_config_text(render_running_config(tree))
    assert not errors
    same(trees, trees.apply(trees.empty(), edit), "<hostname>R1</hostname><ip><ssh><time-out>60</time-out></ssh></ip>")
